import { dirname, join } from 'node:path';

/**
 * Variables a sandboxed command may inherit from the runner: what bun and node need to find
 * their cache and reach the registry. Everything else (API keys, DATABASE_URL, ...) stays out
 * of the generated app's reach.
 */
export const INHERITED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'LC_ALL',
  'TZ',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'NPM_CONFIG_REGISTRY',
  'BUN_CONFIG_REGISTRY',
  'BUN_INSTALL',
  'BUN_INSTALL_CACHE_DIR',
  'XDG_CACHE_HOME',
] as const;

/** The environment of a sandboxed command: the inherited variables, then `extra`. */
export function processSandboxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

/** The bun binary of the `bun` npm package this library depends on. */
export function defaultBunPath(): string {
  return join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe');
}

/** Names an app's own variables may have (DATABASE_URL, …): never one the sandbox itself sets. */
const APP_ENV_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The app's variables checked and in a stable order, with a key that tells two sets apart. */
export function appEnvEntries(env: Record<string, string>): {
  entries: [string, string][];
  key: string;
} {
  const entries = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries) {
    if (!APP_ENV_NAME.test(name) || (INHERITED_ENV as readonly string[]).includes(name)) {
      throw new Error(`${name} cannot be an app variable`);
    }
    if (value.includes('\0')) {
      throw new Error(`${name} holds a NUL character`);
    }
  }
  return { entries, key: JSON.stringify(entries) };
}
