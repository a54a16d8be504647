import { type ConfigOf, loadConfig, type VarSpec, vars } from '@forge/config';
import { parsePreviewTemplate } from '../preview/preview-links';
import { parsePublishTemplate } from '../publish/publish-links';

/** A comma-separated list of http(s) URLs. */
function urlList(description: string, fallback: string[]): VarSpec<string[]> {
  return {
    description,
    default: fallback,
    parse(raw: string) {
      const urls = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (urls.length === 0) {
        throw new Error('must list at least one URL');
      }
      return urls.map((item) => {
        let url: URL;
        try {
          url = new URL(item);
        } catch {
          throw new Error(`${JSON.stringify(item)} is not an absolute URL`);
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          throw new Error(`${JSON.stringify(item)} must use http or https`);
        }
        return item.replace(/\/+$/, '');
      });
    },
  };
}

/** A comma-separated list of origins (scheme://host[:port]); empty: none. */
function originList(description: string): VarSpec<string> {
  return {
    description,
    default: '',
    parse(raw: string) {
      for (const item of raw.split(',').map((origin) => origin.trim())) {
        if (!item) {
          continue;
        }
        let url: URL;
        try {
          url = new URL(item);
        } catch {
          throw new Error(
            `${JSON.stringify(item)} is not an origin such as https://forge.example.com`,
          );
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          throw new Error(`${JSON.stringify(item)} must use http or https`);
        }
      }
      return raw;
    },
  };
}

/** PREVIEW_URL_TEMPLATE: an http(s) URL whose host starts with "{projectId}.". */
function previewTemplate(description: string, fallback: string): VarSpec<string> {
  return {
    description,
    default: fallback,
    parse(raw: string) {
      parsePreviewTemplate(raw);
      return raw;
    },
  };
}

/** PUBLISH_URL_TEMPLATE: an http(s) URL whose host starts with "{slug}.". */
function publishTemplate(description: string, fallback: string): VarSpec<string> {
  return {
    description,
    default: fallback,
    parse(raw: string) {
      parsePublishTemplate(raw);
      return raw;
    },
  };
}

/** Every environment variable the API reads, with its default and what it is for. */
export const API_CONFIG_SPEC = {
  NODE_ENV: vars.oneOf(
    'development, production or test',
    ['development', 'production', 'test'] as const,
    {
      default: 'development',
    },
  ),
  API_HOST: vars.host('Interface the API listens on', { default: '127.0.0.1' }),
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
  APPS_DATABASE_URL: vars.optionalUrl(
    "The apps' PostgreSQL server (as the runner's; unset: DATABASE_URL's): the database panel reads there",
    { secret: true, protocols: ['postgres', 'postgresql'] },
  ),
  APPS_DATABASE_KEY: vars.string(
    "Key sealing the apps' database passwords in Forge's database (AES-256-GCM; 32+ characters): the API's and the runners' must be the same",
    { secret: true, minLength: 32 },
  ),
  APPS_DATABASE_PANEL_ROWS_MAX: vars.int('Most rows the database panel reads in one page', {
    default: 100,
    min: 1,
    max: 1_000,
  }),
  APPS_DATABASE_PANEL_TIMEOUT_MS: vars.int(
    "Longest one read of the database panel may run in an app's database, in ms",
    { default: 5_000, min: 100 },
  ),
  PUBLIC_URL: vars.url('The URL users open (the web app); auth cookies and origins follow it', {
    default: 'http://localhost:3000',
    protocols: ['http', 'https'],
  }),
  AUTH_SECRET: vars.string('Secret signing sessions (at least 32 characters)', {
    secret: true,
    minLength: 32,
  }),
  AUTH_TRUSTED_ORIGINS: originList(
    'Extra origins (besides PUBLIC_URL) allowed to sign in and to write (POST/PUT/PATCH/DELETE), comma-separated',
  ),
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

  RUNNER_URLS: urlList(
    'Agent-runners this API links to, comma-separated (every replica, e.g. one per StatefulSet pod)',
    ['http://127.0.0.1:3002'],
  ),
  RUNNER_SERVICE_TOKEN: vars.string(
    'Token the API presents to the runners (same value on both); unset, the API links to none',
    { default: '', secret: true, minLength: 32 },
  ),
  RUNNER_COMMAND_TIMEOUT_MS: vars.int('Longest the API waits for a runner to answer a command', {
    default: 10_000,
    min: 100,
  }),
  RUNNER_PREVIEW_TIMEOUT_MS: vars.int(
    'Longest the API waits for a runner to wake a sandbox for a preview (recreate, sync, start)',
    { default: 90_000, min: 1_000 },
  ),
  RUNNER_LINK_RECONNECT_DELAY_MS: vars.int(
    'First pause before linking again to a runner that went away (doubles on each failure)',
    { default: 250, min: 10 },
  ),
  RUNNER_LINK_RECONNECT_DELAY_MAX_MS: vars.int(
    'Longest pause between attempts to link again to a runner that went away',
    { default: 2_000, min: 10 },
  ),
  REDIS_URL: vars.optionalUrl(
    'Redis for several API replicas (Socket.IO adapter, shared rate limits); unset: in memory',
    { secret: true, protocols: ['redis', 'rediss'] },
  ),
  GENERATE_RATE_LIMIT_MAX: vars.int('Generations one user may start per window', {
    default: 10,
    min: 1,
  }),
  GENERATE_RATE_LIMIT_WINDOW_SECONDS: vars.int('Length of the generation rate-limit window', {
    default: 60,
    min: 1,
  }),
  GENERATE_PROMPT_MAX_CHARS: vars.int(
    'Longest prompt accepted over the socket, in characters (keep ≤ the runner AGENT_REQUEST_MAX_LENGTH)',
    { default: 20_000, min: 1 },
  ),
  SOCKET_MESSAGE_MAX_BYTES: vars.int(
    'Largest message a browser may send over the socket; a larger one gets a MESSAGE_TOO_LARGE error',
    { default: 1_048_576, min: 4_096 },
  ),
  SOCKET_FRAME_MAX_BYTES: vars.int(
    'Largest frame the socket reads at all; a larger one closes that connection (≥ SOCKET_MESSAGE_MAX_BYTES)',
    { default: 4 * 1_048_576, min: 4_096 },
  ),
  SOCKET_SESSION_CHECK_SECONDS: vars.int(
    'How often open sockets are checked for a session that ended (sign-out, expiry)',
    { default: 60, min: 1 },
  ),
  SOCKET_PROJECTS_MAX: vars.int('Projects one browser connection may have joined at once', {
    default: 20,
    min: 1,
  }),
  DOWNLOAD_MAX_BYTES: vars.int(
    'Largest project download, in bytes of its files before compression (413 above)',
    // A zip without the zip64 extension holds at most 4 GiB; the archive is built in memory.
    { default: 50 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 },
  ),
  GIT_TOKEN_KEY: vars.string(
    'Key that encrypts git tokens at rest (AES-256-GCM; 32+ characters; empty: git push is off)',
    { default: '', secret: true, minLength: 32 },
  ),
  GIT_PUSH_TIMEOUT_MS: vars.int(
    'Longest a push (or the fetch before it) to a git remote may take',
    {
      default: 120_000,
      min: 1_000,
    },
  ),
  GIT_PUSH_MAX_BYTES: vars.int(
    'Largest push, in bytes of the files of the versions it sends (before compression)',
    { default: 100 * 1024 * 1024, min: 1024 },
  ),
  GIT_ALLOW_HTTP_LOOPBACK: vars.bool(
    'Allow http:// git remotes on a loopback address (tests only; every other remote must be https)',
    { default: false },
  ),
  IMPORT_MAX_BYTES: vars.int(
    'Largest import (a zip upload, a git clone, the files kept), in bytes (IMPORT_TOO_LARGE above)',
    { default: 50 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024 },
  ),
  IMPORT_MAX_FILES: vars.int('Most files an import may hold (IMPORT_TOO_MANY_FILES above)', {
    default: 2_000,
    min: 1,
  }),
  IMPORT_TIMEOUT_MS: vars.int('Longest a git clone for an import may take', {
    default: 120_000,
    min: 1_000,
  }),
};

/** The preview proxy's variables (on its own origin: previews never share the UI's cookies). */
export const PREVIEW_CONFIG_SPEC = {
  PREVIEW_PORT: vars.int('Port of the preview proxy (0: previews are off)', {
    default: 3004,
    min: 0,
    max: 65535,
  }),
  PREVIEW_HOST: vars.host(
    'Interface the preview proxy listens on (0.0.0.0 in a container: others reach it there)',
    { default: '127.0.0.1' },
  ),
  PREVIEW_URL_TEMPLATE: previewTemplate(
    'The preview link users open; {projectId} is replaced, and the host after it is the host suffix',
    'http://{projectId}.preview.localhost:3004',
  ),
  PREVIEW_TOKEN_SECRET: vars.string(
    'Secret signing preview links (at least 32 characters; empty: previews are off)',
    {
      default: '',
      secret: true,
    },
  ),
  PREVIEW_TOKEN_TTL_SECONDS: vars.int('How long a preview link opens the preview', {
    default: 3600,
    min: 60,
  }),
  PREVIEW_PROJECT_CHECK_CACHE_MS: vars.int(
    "How long the preview proxy trusts that a link's project still exists (a delete on the same replica ends it at once)",
    { default: 5_000, min: 0, max: 60_000 },
  ),
  PREVIEW_ERROR_REPORTS_PER_MINUTE: vars.int(
    "Error reports one project's previews may send a minute, per API replica (429 above)",
    { default: 30, min: 1 },
  ),
  SANDBOX_PROVIDER: vars.oneOf(
    'The runners’ sandbox provider (as theirs): the process one without isolation closes sign-up',
    ['process', 'docker', 'kubernetes', 'none'] as const,
    { default: 'process' },
  ),
  SANDBOX_PROCESS_ISOLATION: vars.oneOf(
    'The runners’ process isolation setting (as theirs): auto, on or off',
    ['auto', 'on', 'off'] as const,
    { default: 'auto' },
  ),
  SANDBOX_PROCESS_UID: vars.int('The runners’ sandbox uid (as theirs), for the isolation probe', {
    default: 65534,
    min: 1,
  }),
  SANDBOX_PROCESS_GID: vars.int('The runners’ sandbox gid (as theirs), for the isolation probe', {
    default: 65534,
    min: 1,
  }),
  SANDBOX_PROCESS_UNISOLATED: vars.bool(
    'Let every user sign up although process sandboxes are not isolated (they can read each other’s projects)',
    { default: false },
  ),
};

/** Published apps (served by the API on their own port and hosts) and share links. */
export const PUBLISH_CONFIG_SPEC = {
  PUBLISH_PORT: vars.int(
    'Port published apps are served on (0: publishing is off; npm start uses 3005)',
    {
      default: 0,
      min: 0,
      max: 65535,
    },
  ),
  PUBLISH_HOST: vars.host(
    'Interface the published-app server listens on (0.0.0.0 in a container)',
    { default: '127.0.0.1' },
  ),
  PUBLISH_URL_TEMPLATE: publishTemplate(
    'The address of a published app; {slug} is replaced, and the host after it is the host suffix',
    'http://{slug}.apps.localhost:3005',
  ),
  PUBLISH_MAX_BYTES: vars.int('Largest built app that may be published, in bytes', {
    default: 25 * 1024 * 1024,
    min: 1024,
    max: 512 * 1024 * 1024,
  }),
  PUBLISH_SERVER_MAX_BYTES: vars.int(
    'Largest server part (its /api, bundled into one file) a published app may have, in bytes',
    { default: 16 * 1024 * 1024, min: 1024, max: 256 * 1024 * 1024 },
  ),
  PUBLISH_SERVER_TIMEOUT_MS: vars.int(
    "Longest wait for a published app's server part, to start and then to answer a request, in ms",
    { default: 30_000, min: 1_000 },
  ),
  PUBLISH_MAX_FILES: vars.int('Most files a built app that is published may hold', {
    default: 2_000,
    min: 1,
  }),
  PUBLISH_BUILD_TIMEOUT_MS: vars.int("Longest a published version's build may run, in ms", {
    default: 180_000,
    min: 1_000,
  }),
  PUBLISH_CACHE_BYTES: vars.int(
    "Bytes of published apps' files each API replica keeps in memory to serve them",
    { default: 256 * 1024 * 1024, min: 0 },
  ),
  PUBLISH_CHECK_CACHE_MS: vars.int(
    'How long a replica serves what it last read of an app (visibility, version) before reading it again; unpublishing on the same replica ends it at once',
    { default: 2_000, min: 0, max: 60_000 },
  ),
  SHARE_LINKS_MAX: vars.int('Most share links one project may have at once', {
    default: 10,
    min: 1,
  }),
};

export type ApiConfig = ConfigOf<
  typeof API_CONFIG_SPEC & typeof PREVIEW_CONFIG_SPEC & typeof PUBLISH_CONFIG_SPEC
>;

export const API_CONFIG = Symbol('API_CONFIG');

export function loadApiConfig(source: Record<string, string | undefined> = process.env): ApiConfig {
  return loadConfig({ ...API_CONFIG_SPEC, ...PREVIEW_CONFIG_SPEC, ...PUBLISH_CONFIG_SPEC }, source);
}
