export * from './app-error';
export * from './database.module';
export * from './global-exception.filter';
export * from './health.controller';
export * from './health.module';
export * from './public.decorator';
