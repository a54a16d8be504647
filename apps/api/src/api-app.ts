import { type INestApplication, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { GlobalExceptionFilter } from '@forge/nest-common';
import { AppModule } from './app.module';
import { AUTH, type Auth, trustedOrigins } from './auth/auth.factory';
import { mountAuth } from './auth/mount-auth';
import { type ApiConfig } from './config/api-config';
import { limitRequestBodies, useBodyParsers } from './http/body-limit';
import { refuseCrossSiteWrites } from './http/cross-site-writes';
import { LiveIoAdapter } from './live/live-io-adapter';

const LOG_LEVELS: Record<ApiConfig['NODE_ENV'], LogLevel[]> = {
  development: ['log', 'warn', 'error'],
  production: ['log', 'warn', 'error'],
  test: ['warn', 'error'],
};

/** The API, configured but not listening: main.ts listens, tests listen on port 0. */
export async function createApiApp(config: ApiConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: LOG_LEVELS[config.NODE_ENV],
  });
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  // Before better-auth and the body parsers, so they hold for every route.
  limitRequestBodies(app, config.HTTP_BODY_LIMIT_BYTES);
  refuseCrossSiteWrites(app, trustedOrigins(config));
  await mountAuth(app, app.get<Auth>(AUTH));
  useBodyParsers(app, config.HTTP_BODY_LIMIT_BYTES);
  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.useWebSocketAdapter(new LiveIoAdapter(app, config));
  app.enableShutdownHooks();
  return app;
}
