import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@forge/db';

export interface DatabaseModuleOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

/** TypeORM on our entities; the schema comes from migrations only, never `synchronize`. */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options),
          retryAttempts: 3,
          retryDelay: 500,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
