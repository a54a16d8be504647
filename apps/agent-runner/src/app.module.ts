import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule, HealthModule } from '@forge/nest-common';
import { AgentModule } from './agent/agent.module';
import { RUNNER_CONFIG, type RunnerConfig } from './config/runner-config';
import { LinkModule } from './link/link.module';

@Module({})
export class AppModule {
  static forRoot(config: RunnerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
          queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
        }),
        HealthModule,
        AgentModule,
        LinkModule,
      ],
      providers: [{ provide: RUNNER_CONFIG, useValue: config }],
      exports: [RUNNER_CONFIG],
    };
  }
}
