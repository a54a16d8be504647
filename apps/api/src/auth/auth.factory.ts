import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type Pool } from 'pg';
import { authSchemaOptions } from '@forge/db';
import { type ApiConfig } from '../config/api-config';
import { authRateLimitStorage } from './auth-rate-limit-storage';

/** Sign-in and sign-up share one budget per IP: both try a password. */
export const RATE_LIMITED_AUTH_PATHS = ['/sign-in/email', '/sign-up/email'] as const;

/** Minimum and maximum password length, enforced by better-auth. */
export const PASSWORD_LIMITS = { min: 8, max: 128 } as const;

const authLogger = new Logger('Auth');

/** The UI's origin and AUTH_TRUSTED_ORIGINS: the only pages that may sign in or change data. */
export function trustedOrigins(config: ApiConfig): string[] {
  return [
    config.PUBLIC_URL,
    ...config.AUTH_TRUSTED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  ];
}

export function authOptions(config: ApiConfig, pool: Pool) {
  const rule = {
    window: config.AUTH_SIGNIN_RATE_LIMIT_WINDOW_SECONDS,
    max: config.AUTH_SIGNIN_RATE_LIMIT_MAX,
  };
  return {
    appName: 'Forge',
    baseURL: config.PUBLIC_URL,
    basePath: '/api/auth',
    secret: config.AUTH_SECRET,
    database: pool,
    trustedOrigins: trustedOrigins(config),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_LIMITS.min,
      maxPasswordLength: PASSWORD_LIMITS.max,
    },
    ...authSchemaOptions,
    rateLimit: {
      ...authSchemaOptions.rateLimit,
      enabled: true,
      window: 60,
      max: 300,
      customRules: Object.fromEntries(RATE_LIMITED_AUTH_PATHS.map((path) => [path, rule])),
      customStorage: authRateLimitStorage(
        pool,
        { paths: RATE_LIMITED_AUTH_PATHS, name: 'password-attempts' },
        Math.max(60, rule.window),
      ),
    },
    advanced: {
      // The API sets X-Forwarded-For itself from the connection (see mount-auth.ts).
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
      database: { generateId: () => randomUUID() },
      // Stated, not left to the default: host-only (no Domain), so a preview on a sibling host
      // never gets the session, and Lax, so another site's form posts it nowhere.
      defaultCookieAttributes: { sameSite: 'lax' as const, httpOnly: true },
    },
    logger: {
      level: config.NODE_ENV === 'test' ? ('error' as const) : ('warn' as const),
      // Only the message: better-auth's extra arguments may carry request data.
      log: (level: 'info' | 'success' | 'warn' | 'error' | 'debug', message: string) =>
        level === 'error' ? authLogger.error(message) : authLogger.log(message),
    },
    telemetry: { enabled: false },
  };
}

/** better-auth is ESM-only: loaded with import() so the CommonJS build and jest both run it. */
export async function createAuth(config: ApiConfig, pool: Pool) {
  const { betterAuth } = await import('better-auth');
  return betterAuth(authOptions(config, pool));
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

export const AUTH = Symbol('AUTH');
export const AUTH_POOL = Symbol('AUTH_POOL');
