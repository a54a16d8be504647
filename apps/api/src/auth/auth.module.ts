import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Pool } from 'pg';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { AUTH, AUTH_POOL, createAuth } from './auth.factory';
import { MeController } from './me.controller';
import { SessionGuard } from './session.guard';

/** better-auth keeps its own small pg pool (it speaks Kysely, not TypeORM). */
@Global()
@Module({
  controllers: [MeController],
  providers: [
    {
      provide: AUTH_POOL,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig) => {
        const pool = new Pool({ connectionString: config.DATABASE_URL, max: 5 });
        // An idle connection the server drops (restart, failover) must not crash the API.
        pool.on('error', (error) =>
          new Logger('Auth').warn(`database connection lost: ${error.message}`),
        );
        return pool;
      },
    },
    {
      provide: AUTH,
      inject: [API_CONFIG, AUTH_POOL],
      useFactory: (config: ApiConfig, pool: Pool) => createAuth(config, pool),
    },
    { provide: APP_GUARD, useClass: SessionGuard },
  ],
  exports: [AUTH],
})
export class AuthModule implements OnApplicationShutdown {
  constructor(@Inject(AUTH_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown() {
    await this.pool.end();
  }
}
