import { type ConfigOf, loadConfig, vars } from '@forge/config';

/** Every environment variable the API reads, with its default and what it is for. */
export const API_CONFIG_SPEC = {
  NODE_ENV: vars.oneOf(
    'development, production or test',
    ['development', 'production', 'test'] as const,
    {
      default: 'development',
    },
  ),
  API_HOST: vars.string('Interface the API listens on', { default: '127.0.0.1' }),
  API_PORT: vars.int('Port of the API (REST, auth, Socket.IO)', {
    default: 3001,
    min: 0,
    max: 65535,
  }),
  DATABASE_URL: vars.url('PostgreSQL connection URL', {
    secret: true,
    protocols: ['postgres', 'postgresql'],
  }),
  DATABASE_POOL_SIZE: vars.int('Connections in the API database pool', {
    default: 10,
    min: 1,
    max: 200,
  }),
  PUBLIC_URL: vars.url('The URL users open (the web app); auth cookies and origins follow it', {
    default: 'http://localhost:3000',
    protocols: ['http', 'https'],
  }),
  AUTH_SECRET: vars.string('Secret signing sessions (at least 32 characters)', {
    secret: true,
    minLength: 32,
  }),
  AUTH_TRUSTED_ORIGINS: vars.string('Extra origins allowed to call auth, comma-separated', {
    default: '',
  }),
  AUTH_SIGNIN_RATE_LIMIT_MAX: vars.int(
    'Sign-in and sign-up attempts allowed per IP in the window',
    {
      default: 5,
      min: 1,
    },
  ),
  AUTH_SIGNIN_RATE_LIMIT_WINDOW_SECONDS: vars.int(
    'Length of the sign-in rate-limit window, in seconds',
    {
      default: 60,
      min: 1,
    },
  ),
  HTTP_BODY_LIMIT_BYTES: vars.int('Largest accepted request body, in bytes', {
    default: 1_048_576,
    min: 1024,
  }),
  TRUST_PROXY: vars.bool('Trust X-Forwarded-For from a reverse proxy in front of the API', {
    default: false,
  }),
  PROJECTS_PAGE_SIZE_MAX: vars.int('Largest page of projects or messages one request may ask for', {
    default: 100,
    min: 1,
  }),
};

export type ApiConfig = ConfigOf<typeof API_CONFIG_SPEC>;

export const API_CONFIG = Symbol('API_CONFIG');

export function loadApiConfig(source: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfig(API_CONFIG_SPEC, source);
}
