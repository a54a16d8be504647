import { type INestApplication, type LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { GlobalExceptionFilter } from '@forge/nest-common';
import { AppModule } from './app.module';
import { type Pool } from 'pg';
import { AUTH, AUTH_POOL, type Auth, trustedOrigins } from './auth/auth.factory';
import { mountAuth } from './auth/mount-auth';
import { type ApiConfig } from './config/api-config';
import { ZIP_IMPORT_PATH } from './git-io/project-import.controller';
import { limitRequestBodies, useBodyParsers } from './http/body-limit';
import { refuseCrossSiteWrites } from './http/cross-site-writes';
import { LiveIoAdapter } from './live/live-io-adapter';
import { SANDBOX_TRUST, type SandboxTrust } from './sandbox-trust/sandbox-trust';
import { mountSignUpGate } from './sandbox-trust/sign-up-gate';

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
  limitRequestBodies(app, config.HTTP_BODY_LIMIT_BYTES, [
    {
      method: 'POST',
      path: ZIP_IMPORT_PATH,
      limitBytes: config.IMPORT_MAX_BYTES,
      setting: 'IMPORT_MAX_BYTES',
    },
  ]);
  refuseCrossSiteWrites(app, trustedOrigins(config));
  mountSignUpGate(app, app.get<SandboxTrust>(SANDBOX_TRUST), app.get<Pool>(AUTH_POOL));
  await mountAuth(app, app.get<Auth>(AUTH));
  useBodyParsers(app, config.HTTP_BODY_LIMIT_BYTES);
  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  app.useGlobalFilters(new GlobalExceptionFilter());
  app.useWebSocketAdapter(new LiveIoAdapter(app, config));
  app.enableShutdownHooks();
  return app;
}
