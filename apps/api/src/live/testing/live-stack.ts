import { type INestApplication } from '@nestjs/common';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createClient } from 'redis';
import {
  createDemoLlmHandler,
  createScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedLlmServerOptions,
} from '@forge/scripted-llm';
import { processSandboxes } from '../../../../../test/support/process-sandboxes';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { TEST_APPS_DATABASE_KEY } from '../../../../../test/support/test-secrets';
import { DEMO_MODEL_ENV } from '../../../../agent-runner/src/testing/demo-llm';
import { startRunnerTestApp } from '../../../../agent-runner/src/testing/runner-test-app';
import { createApiApp } from '../../api-app';
import { loadApiConfig } from '../../config/api-config';

// The specs of the live stack take it from here.
export { eventually } from '../../../../../test/support/eventually';

/** The service token of every test stack (the real check, a test value). */
export const TEST_SERVICE_TOKEN = 'test-runner-service-token-0123456789abcdef';

/** Where the tests find Redis (FORGE_TEST_REDIS_URL overrides). */
export const TEST_REDIS_URL = process.env.FORGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface StackServer {
  url: string;
  close(): Promise<void>;
}

function urlOf(app: INestApplication): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** The real runner in this process, listening (link included) on `port` (0: a free one). */
export async function startLinkedRunner(
  db: TestDatabase,
  llmUrl: string,
  env: Record<string, string> = {},
  port = 0,
): Promise<StackServer & { app: INestApplication }> {
  const runner = await startRunnerTestApp(db, llmUrl, {
    RUNNER_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    ...DEMO_MODEL_ENV,
    ...env,
  });
  await runner.app.listen(port, '127.0.0.1');
  return { url: urlOf(runner.app), app: runner.app, close: () => runner.close() };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built runner (apps/agent-runner/dist) as its own process, so a test can SIGKILL it.
 * Resolves once it answers /api/health.
 */
export async function spawnRunner(
  db: TestDatabase,
  llmUrl: string,
  env: Record<string, string>,
): Promise<StackServer & { child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(__dirname, '../../../../agent-runner/dist/main.js')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        DATABASE_POOL_SIZE: '4',
        APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
        RUNNER_PORT: String(port),
        RUNNER_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
        LLM_BASE_URL: llmUrl,
        LLM_API_KEY: 'test',
        ...DEMO_MODEL_ENV,
        LLM_RETRY_BASE_DELAY_MS: '10',
        LLM_RETRY_MAX_DELAY_MS: '50',
        LEASE_TTL_MS: '1500',
        LEASE_HEARTBEAT_MS: '250',
        SANDBOX_PROVIDER: 'none',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`runner exited with ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      throw new Error('the runner did not answer /api/health within 30 s (is dist built?)');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An API on a database shared with runners (and other replicas), on `port` (0: a free one). */
export async function startLiveApi(
  db: TestDatabase,
  env: Record<string, string> = {},
  port = 0,
): Promise<StackServer & { app: INestApplication }> {
  const config = loadApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
    APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
    AUTH_SIGNIN_RATE_LIMIT_MAX: '1000',
    RUNNER_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
    RUNNER_COMMAND_TIMEOUT_MS: '5000',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen(port, '127.0.0.1');
  return { url: urlOf(app), app, close: () => app.close() };
}

/** A fresh database, the demo LLM, one runner in this process and one API linked to it. */
export interface DemoStack {
  db: TestDatabase;
  llm: ScriptedLlmServer;
  runner: StackServer & { app: INestApplication };
  api: StackServer & { app: INestApplication };
  /** SANDBOX_ROOT of the runner's process sandboxes; throws when it was given none. */
  sandboxRoot(): string;
  /** Closes the API, the runner and the LLM, drops the database and deletes the sandboxes. */
  close(): Promise<void>;
}

export async function startDemoStack(
  options: {
    /** The demo LLM's pace (the scripted server's own defaults otherwise), its listed models and
     * a handler in front of the demo's own (to serve the demo under other model names). */
    llm?: Pick<ScriptedLlmServerOptions, 'chunkSize' | 'chunksPerSecond' | 'models' | 'handler'>;
    /** Process sandboxes for the runner, in a temp folder named from this prefix (none otherwise). */
    sandboxes?: string;
    /** The API's settings beyond the test defaults and RUNNER_URLS. */
    api?: Record<string, string>;
  } = {},
): Promise<DemoStack> {
  const sandboxes =
    options.sandboxes === undefined ? undefined : processSandboxes(options.sandboxes);
  const db = await createTestDatabase();
  const llm = await createScriptedLlmServer({
    handler: createDemoLlmHandler(),
    models: ['forge-demo'],
    ...options.llm,
  });
  const runner = await startLinkedRunner(db, llm.url, sandboxes?.env);
  const api = await startLiveApi(db, { RUNNER_URLS: runner.url, ...options.api });
  return {
    db,
    llm,
    runner,
    api,
    sandboxRoot() {
      if (!sandboxes) {
        throw new Error('this demo stack has no process sandboxes');
      }
      return sandboxes.root;
    },
    async close() {
      await api.close();
      await runner.close();
      await llm.close();
      await db.drop();
      sandboxes?.remove();
    },
  };
}

/** Fails with what to do when the tests' Redis does not answer. */
export async function assertRedisReachable(url = TEST_REDIS_URL): Promise<void> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `These tests need Redis at ${url} (FORGE_TEST_REDIS_URL), which did not answer: ${(error as Error).message}. ` +
        'Start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    );
  } finally {
    if (client.isOpen) {
      await client.close();
    }
  }
}
