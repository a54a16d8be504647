import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { dataSourceOptions, REPOSITORIES } from '@forge/db';

export interface DatabaseModuleOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

/** Each repository of libs/db, built on the app's DataSource. */
const REPOSITORY_PROVIDERS: Provider[] = REPOSITORIES.map((repository) => ({
  provide: repository,
  useFactory: (dataSource: DataSource) => new repository(dataSource),
  inject: [getDataSourceToken()],
}));

/**
 * TypeORM on our entities, and the repositories that hold every query of Forge's database
 * (global: any module injects them). The schema comes from migrations only, never `synchronize`.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options),
          retryAttempts: 3,
          retryDelay: 500,
        }),
      ],
      providers: REPOSITORY_PROVIDERS,
      exports: [TypeOrmModule, ...REPOSITORIES],
    };
  }
}
