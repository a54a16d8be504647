import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GlobalExceptionFilter } from '@forge/nest-common';
import { AppModule } from './app.module';
import { type RunnerConfig } from './config/runner-config';

/** The runner, configured but not listening: main.ts listens, tests listen on port 0. */
export async function createRunnerApp(config: RunnerConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: config.NODE_ENV === 'test' ? ['warn', 'error'] : ['log', 'warn', 'error'],
  });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.enableShutdownHooks();
  return app;
}
