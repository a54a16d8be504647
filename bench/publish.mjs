// Publishing: how long "Publish" takes for the demo todo app (the API call until its public
// address answers with the built page), first and again, and the published app's static
// throughput (autocannon): requests/s at each load, and the best one whose p99 stays ≤ 10 ms.
// Then the demo guestbook's server part (its /api): publish until /api answers (build and start),
// a warm /api round trip, and the first request after it stopped for being idle (a cold start).
// Run: node bench/publish.mjs   (built checkout; DATABASE_URL or embedded PostgreSQL)
import { request } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  ensureDatabase,
  freePort,
  startEmbeddedPostgres,
  withDatabase,
} from '../scripts/lib/postgres.mjs';
import { sessionCookie, startBuilt } from './lib/built-app.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../', import.meta.url).pathname;
const TOKEN = 'bench-runner-service-token-0123456789abcdef';
const P99_TARGET_MS = 10;
const LOADS = [1, 4, 16, 64];
const SECONDS_PER_LOAD = 5;
/** The runner's PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS here: short, to measure cold starts. */
const IDLE_SECONDS = 3;
const ROUND_TRIPS = 300;
const COLD_STARTS = 3;
const stops = [];

async function database() {
  const name = `forge_bench_publish_${process.pid}`;
  if (process.env.DATABASE_URL) {
    const admin = process.env.DATABASE_URL;
    await ensureDatabase(admin, name);
    stops.unshift(async () => {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    });
    return withDatabase(admin, name);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-publish-pg-'));
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  stops.unshift(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await ensureDatabase(server.url, 'forge');
  return withDatabase(server.url, 'forge');
}

/** A demo app's files after each of its recorded phases. */
function demoVersions(app = 'todo') {
  const { createScofParser } = require(join(ROOT, 'libs/scof/dist/index.js'));
  const { DEMO_APPS } = require(join(ROOT, 'libs/scripted-llm/dist/demo/demo-apps.js'));
  const files = new Map();
  return DEMO_APPS[app].phases.map((phase) => {
    const parser = createScofParser();
    for (const event of [...parser.push(phase.implementation), ...parser.end()]) {
      if (event.type === 'file_end') files.set(event.path, event.content);
      if (event.type === 'delete') files.delete(event.path);
    }
    return [...files].map(([path, content]) => ({ path, content }));
  });
}

async function call(url, method, path, cookie, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      origin: 'http://localhost:3000',
      ...(cookie ? { cookie } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { response, body: text ? JSON.parse(text) : null };
}

/** A GET to the published-app server at the app's host (node's fetch cannot set Host). */
function getPublished(port, host, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function load(port, host, path, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${path}`,
        headers: { host },
        connections,
        duration: SECONDS_PER_LOAD,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The server part's figures: publish until /api answers, warm round trips, cold starts. */
async function serverPart(api, cookie, projectId, publishPort, sandboxRoot) {
  const host = `guestbook-bench.apps.localhost:${publishPort}`;
  const health = () => getPublished(publishPort, host, '/api/health');
  console.log(`\nserver part (the demo guestbook's /api; idle timeout ${IDLE_SECONDS} s here)`);
  let started = performance.now();
  await call(api, 'PUT', `/api/projects/${projectId}/publication`, cookie, {
    slug: 'guestbook-bench',
    visibility: 'public',
  });
  const published = performance.now() - started;
  for (;;) {
    if ((await health()).status === 200) break;
    if (performance.now() - started > 120_000) throw new Error('the /api never answered 200');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const answering = performance.now() - started;
  console.log(
    `  publish call (site and server builds)          ${(published / 1000).toFixed(2)} s`,
  );
  console.log(
    `  publish call → /api/health answers 200         ${(answering / 1000).toFixed(2)} s`,
  );
  const times = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    started = performance.now();
    const answer = await health();
    if (answer.status !== 200) throw new Error(`/api/health answered ${answer.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  console.log(
    `  warm /api/health, ${ROUND_TRIPS} in a row            p50 ${at(0.5).toFixed(2)} ms  p99 ${at(0.99).toFixed(2)} ms`,
  );
  const publishedDir = join(sandboxRoot, 'published');
  const cold = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    // Idle: nothing asks until the runner has stopped it (its folder goes with it).
    const deadline = Date.now() + IDLE_SECONDS * 1000 * 4;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (Date.now() > deadline) throw new Error('the idle server part did not stop');
    } while (existsSync(publishedDir) && readdirSync(publishedDir).length > 0);
    started = performance.now();
    const answer = await health();
    if (answer.status !== 200) throw new Error(`/api/health answered ${answer.status} cold`);
    cold.push(performance.now() - started);
  }
  console.log(
    `  first /api request after an idle stop (cold)    ${cold.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
  );
  return {
    publishToApiMs: Math.round(answering),
    warmP50Ms: Number(at(0.5).toFixed(2)),
    warmP99Ms: Number(at(0.99).toFixed(2)),
    coldStartMs: cold.map((ms) => Math.round(ms)),
  };
}

try {
  const url = await database();
  const { runMigrations } = require(join(ROOT, 'libs/db/dist/index.js'));
  await runMigrations(url);
  const sandboxRoot = mkdtempSync(join(tmpdir(), 'forge-bench-publish-'));
  stops.unshift(async () => rmSync(sandboxRoot, { recursive: true, force: true }));
  const templateCache = join(tmpdir(), 'forge-e2e-template-cache');
  mkdirSync(templateCache, { recursive: true });
  const [runnerPort, apiPort, publishPort] = [await freePort(), await freePort(), await freePort()];
  const runner = await startBuilt('runner', 'apps/agent-runner/dist/main.js', runnerPort, {
    NODE_ENV: 'production',
    RUNNER_PORT: String(runnerPort),
    RUNNER_HOST: '127.0.0.1',
    DATABASE_URL: url,
    APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
    RUNNER_SERVICE_TOKEN: TOKEN,
    LLM_BASE_URL: 'http://127.0.0.1:9',
    LLM_API_KEY: 'bench',
    // Never called: nothing is generated here, the versions are written directly.
    LLM_MODEL_DESIGN: 'forge-demo',
    LLM_MODEL_CODE: 'forge-demo',
    SANDBOX_PROVIDER: 'process',
    SANDBOX_ROOT: sandboxRoot,
    SANDBOX_TEMPLATE_CACHE: templateCache,
    SANDBOX_POOL_SIZE: '0',
    PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
  });
  stops.unshift(() => runner.stop());
  const apiServer = await startBuilt('api', 'apps/api/dist/main.js', apiPort, {
    NODE_ENV: 'production',
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    DATABASE_URL: url,
    APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
    AUTH_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    RUNNER_URLS: runner.url,
    RUNNER_SERVICE_TOKEN: TOKEN,
    PREVIEW_PORT: '0',
    PUBLISH_PORT: String(publishPort),
    PUBLISH_URL_TEMPLATE: `http://{slug}.apps.localhost:${publishPort}`,
    SANDBOX_PROVIDER: 'none',
  });
  stops.unshift(() => apiServer.stop());
  const api = apiServer.url;
  const signUp = await call(api, 'POST', '/api/auth/sign-up/email', undefined, {
    email: 'publish-bench@example.com',
    password: 'correct horse battery',
    name: 'Bench',
  });
  const cookie = sessionCookie(signUp.response);
  const project = (await call(api, 'POST', '/api/projects', cookie, { name: 'Todo list' })).body;
  const guestbook = (await call(api, 'POST', '/api/projects', cookie, { name: 'Guestbook' })).body;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const [id, app] of [
    [project.id, 'todo'],
    [guestbook.id, 'guestbook'],
  ]) {
    for (const [index, files] of demoVersions(app).entries()) {
      await client.query(
        `INSERT INTO versions (project_id, number, reason, label, files) VALUES ($1, $2, 'phase', $3, $4)`,
        [id, index + 1, `Phase ${index + 1}`, JSON.stringify(files)],
      );
    }
  }
  await client.end();

  const slug = 'todo-bench';
  const host = `${slug}.apps.localhost:${publishPort}`;
  console.log('publish time (API call → the public address answers with the built page)');
  for (const [label, version] of [
    ['first publish (new sandbox workspace)', 2],
    ['another version', 1],
    ['back to the latest', 2],
  ]) {
    const started = performance.now();
    await call(api, 'PUT', `/api/projects/${project.id}/publication`, cookie, {
      slug,
      visibility: 'public',
      version,
    });
    const page = await getPublished(publishPort, host, '/');
    if (page.status !== 200 || !page.body.includes('<script')) {
      throw new Error(`the published page did not answer: ${page.status}`);
    }
    console.log(`  ${label.padEnd(40)} ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }

  const page = await getPublished(publishPort, host, '/');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
  const figures = {};
  for (const [label, path] of [
    ['index.html', '/'],
    ['app route (index.html fallback)', '/todos/42'],
    ['hashed script', script],
  ]) {
    console.log(`\nstatic throughput: ${label} (${path}), ${SECONDS_PER_LOAD} s per load`);
    let best = null;
    for (const connections of LOADS) {
      const result = await load(publishPort, host, path, connections);
      const ok = result.non2xx === 0 && result.errors === 0;
      console.log(
        `  ${String(connections).padStart(3)} connections  ${Math.round(result.requests.average)
          .toString()
          .padStart(
            7,
          )} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms${ok ? '' : `  (${result.non2xx} non-2xx, ${result.errors} errors)`}`,
      );
      if (
        ok &&
        result.latency.p99 <= P99_TARGET_MS &&
        (!best || result.requests.average > best.rps)
      ) {
        best = { connections, rps: Math.round(result.requests.average), p99: result.latency.p99 };
      }
    }
    figures[label] = best;
    console.log(
      best
        ? `  best at p99 ≤ ${P99_TARGET_MS} ms: ${best.rps} req/s (${best.connections} connections, p99 ${best.p99} ms)`
        : `  no load kept p99 ≤ ${P99_TARGET_MS} ms`,
    );
  }
  figures.serverPart = await serverPart(api, cookie, guestbook.id, publishPort, sandboxRoot);
  console.log(JSON.stringify({ bench: 'publish', p99TargetMs: P99_TARGET_MS, ...figures }));
} finally {
  for (const stop of stops) await stop().catch((error) => console.error(error));
}
