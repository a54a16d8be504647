// The pieces of the benchmark's stack: PostgreSQL, the built API and runner as processes, and
// what /proc says about their memory and CPU.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  withDatabase,
} from '../../scripts/lib/postgres.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../', import.meta.url).pathname;
export const CLOCK_TICKS_PER_SECOND = 100;

/** DATABASE_URL's server, else an embedded PostgreSQL; a fresh, migrated database on it. */
export async function startDatabase() {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  let dataDir;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-live-'));
    // PostgreSQL runs as its own user when we are root: it must be able to reach its folder.
    chmodSync(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    adminUrl = server.url;
    stopServer = server.stop;
  }
  const name = `forge_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(adminUrl, name);
  const url = withDatabase(adminUrl, name);
  const { runMigrations } = require(join(ROOT, 'libs/db/dist/index.js'));
  await runMigrations(url);
  return {
    url,
    async stop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
      await stopServer();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function requireBuilt() {
  for (const path of [
    'apps/api/dist/main.js',
    'apps/agent-runner/dist/main.js',
    'libs/scripted-llm/dist/index.js',
  ]) {
    if (!existsSync(join(ROOT, path)))
      throw new Error(`${path} is missing: build first (npx tsc -b tsconfig.build.json)`);
  }
}

/** Starts a built app and resolves once /api/health/ready answers. */
export async function startApp(name, script, port, env) {
  // BENCH_APP_NODE_ARGS: extra node flags for the API and the runner, e.g. `--cpu-prof`.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data) => {
    stderr = (stderr + data).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${stderr}`);
    try {
      if ((await fetch(`${url}/api/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000)
      throw new Error(`${name} did not start within 60 s:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resident memory in MiB. */
export function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : NaN;
}

/** CPU time used so far, in seconds. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
