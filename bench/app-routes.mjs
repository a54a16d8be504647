// Benchmark of an app's server routes in preview: the round trip of a GET /api/… that reads 100
// rows from the app's PostgreSQL database, served by the starter's Vite plugin (server/app.ts
// loaded through Vite) in a process sandbox, straight to the dev server and through the preview
// proxy, as a browser with a kept-alive connection asks it. Target: p99 ≤ 20 ms in preview.
// Run: node bench/app-routes.mjs   (DATABASE_URL: a PostgreSQL server where it may create a
// scratch database; postgres://postgres@127.0.0.1:5432/postgres by default)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['tsc', '-b', 'libs/sandbox', 'libs/preview'], { cwd: root, stdio: 'inherit' });

const require = createRequire(import.meta.url);
const { ProcessSandboxProvider } = require(join(root, 'libs/sandbox/dist/index.js'));
const { createPreviewServer, signPreviewToken } = require(join(root, 'libs/preview/dist/index.js'));
const { Client } = require('pg');

const ROWS = 100;
const WARM_UP = 50;
const REQUESTS = 1000;
const SECRET = `bench-${randomBytes(24).toString('hex')}`;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const MIGRATION = `create table items (
  id serial primary key,
  title text not null,
  done boolean not null default false,
  created_at timestamptz not null default now()
);
insert into items (title) select 'item ' || n from generate_series(1, ${ROWS}) as n;
`;
const SERVER_APP = `import { Hono } from 'hono';
import { db } from './db';

export const app = new Hono().basePath('/api');

app.get('/items', async (c) => {
  const items = await db()\`select id, title, done, created_at from items order by id limit ${ROWS}\`;
  return c.json(items);
});
`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Times `count` GETs one after another on one kept-alive connection; ms each, sorted. */
async function time(url, headers, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port, pathname } = new URL(url);
  const once = () =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const req = request({ host: hostname, port, path: pathname, headers, agent }, (res) => {
        let bytes = 0;
        res.on('data', (chunk) => (bytes += chunk.length));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          else resolve({ ms: performance.now() - start, bytes });
        });
      });
      req.on('error', reject);
      req.end();
    });
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sample = await once();
    samples.push(sample.ms);
    bytes = sample.bytes;
  }
  agent.destroy();
  return { sorted: samples.sort((a, b) => a - b), bytes };
}

function summary(label, { sorted, bytes }) {
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(
    `${label.padEnd(34)} p50 ${p50.toFixed(2).padStart(6)} ms   p99 ${p99.toFixed(2).padStart(6)} ms   max ${sorted.at(-1).toFixed(2).padStart(6)} ms   (${bytes} bytes)`,
  );
  return { p50Ms: +p50.toFixed(2), p99Ms: +p99.toFixed(2), maxMs: +sorted.at(-1).toFixed(2) };
}

const database = `forge_bench_app_routes_${randomBytes(4).toString('hex')}`;
const admin = new Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const appUrl = new URL(ADMIN_URL);
appUrl.pathname = `/${database}`;
const base = await mkdtemp(join(tmpdir(), 'forge-bench-app-routes-'));
const provider = new ProcessSandboxProvider({
  root: join(base, 'root'),
  templateCacheRoot: join(tmpdir(), 'forge-bench-template-cache'),
  poolSize: 0,
  env: { DATABASE_URL: appUrl.toString() },
});
let preview;
try {
  const sandbox = await provider.open('bench');
  await sandbox.writeFiles([
    { path: 'db/migrations/001-create-items.sql', content: MIGRATION },
    { path: 'server/app.ts', content: SERVER_APP },
  ]);
  execFileSync(process.execPath, ['tools/migrate.mjs'], {
    cwd: sandbox.workspaceDir,
    env: { ...process.env, DATABASE_URL: appUrl.toString() },
    stdio: 'inherit',
  });
  const { url: devUrl } = await sandbox.startDevServer();
  preview = createPreviewServer({
    secret: SECRET,
    resolve: async () => ({ url: devUrl }),
    isLive: async () => true,
  });
  const previewPort = await new Promise((resolve) =>
    preview.listen(0, '127.0.0.1', () => resolve(preview.address().port)),
  );
  const token = signPreviewToken(
    { projectId: 'bench', userId: 'bench-user', expiresAt: Date.now() + 3600_000 },
    SECRET,
  );
  const previewHeaders = {
    host: `bench.preview.localhost:${previewPort}`,
    cookie: `forge_preview=${token}`,
  };
  const previewItems = `http://127.0.0.1:${previewPort}/api/items`;

  await time(`${devUrl}/api/items`, {}, WARM_UP);
  await time(previewItems, previewHeaders, WARM_UP);
  console.log(`GET /api/items reading ${ROWS} rows, ${REQUESTS} requests in a row:`);
  const direct = summary(
    '  dev server (Vite + Hono + pg)',
    await time(`${devUrl}/api/items`, {}, REQUESTS),
  );
  const proxied = summary(
    '  through the preview proxy',
    await time(previewItems, previewHeaders, REQUESTS),
  );
  console.log(`  target: p99 ≤ 20 ms in preview: ${proxied.p99Ms <= 20 ? 'met' : 'NOT met'}`);
  console.log(
    JSON.stringify({
      bench: 'app-routes',
      rows: ROWS,
      requests: REQUESTS,
      direct,
      preview: proxied,
    }),
  );
} finally {
  if (preview) {
    preview.closeAllConnections();
    await new Promise((resolve) => preview.close(resolve));
  }
  await provider.shutdown();
  await rm(base, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
