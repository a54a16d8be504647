import { type INestApplication } from '@nestjs/common';
import { type ServerEvent, type ServerEventType } from '@forge/protocol';
import {
  createScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedReply,
} from '@forge/scripted-llm';
import { type TestDatabase } from '../../../../test/support/test-database';
import { TEST_APPS_DATABASE_KEY } from '../../../../test/support/test-secrets';
import { AgentSupervisor } from '../agent/agent-supervisor';
import { loadRunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { createRunnerApp } from '../runner-app';
import { SandboxSessions } from '../sandbox/sandbox-sessions';

export interface RunnerTestApp {
  app: INestApplication;
  supervisor: AgentSupervisor;
  events: ServerEvent[];
  /** Where the project's dev server listens (what the preview proxy reaches), once started. */
  devServerUrl(projectId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real runner (Nest app, database, openai SDK) against a test database and an LLM server,
 * with short retry delays and leases so failures and takeovers happen within a test.
 */
export async function startRunnerTestApp(
  db: TestDatabase,
  llmUrl: string,
  env: Record<string, string> = {},
): Promise<RunnerTestApp> {
  const config = loadRunnerConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
    LLM_BASE_URL: llmUrl,
    LLM_API_KEY: 'test-key',
    LLM_MODEL_DESIGN: 'test-design',
    LLM_MODEL_CODE: 'test-code',
    LLM_RETRY_BASE_DELAY_MS: '10',
    LLM_RETRY_MAX_DELAY_MS: '50',
    LLM_SILENCE_TIMEOUT_MS: '2000',
    LEASE_TTL_MS: '1500',
    LEASE_HEARTBEAT_MS: '250',
    SANDBOX_PROVIDER: 'none',
    // A browser per runner is heavy; the tests about thumbnails turn them on.
    THUMBNAIL_CHROMIUM_PATH: 'off',
    ...env,
  });
  const app = await createRunnerApp(config);
  await app.init();
  const events: ServerEvent[] = [];
  const unsubscribe = app.get(EventHub).subscribe((event) => events.push(event));
  return {
    app,
    supervisor: app.get(AgentSupervisor),
    events,
    async devServerUrl(projectId) {
      const url = await app.get(SandboxSessions).devServerUrl(projectId);
      if (!url) {
        throw new Error(`no dev server runs for ${projectId}`);
      }
      return url;
    },
    async close() {
      unsubscribe();
      await app.close();
    },
  };
}

/**
 * A scripted LLM answering `replies` and a runner (startRunnerTestApp with `env`) for one test
 * on a new project of `db`; both are closed after it, whatever it did.
 */
export async function withScriptedRunner(
  db: TestDatabase,
  options: { replies: ScriptedReply[]; chunkSize: number; env?: Record<string, string> },
  test: (runner: RunnerTestApp, llm: ScriptedLlmServer, projectId: string) => Promise<void>,
): Promise<void> {
  const llm = await createScriptedLlmServer({
    replies: options.replies,
    chunkSize: options.chunkSize,
  });
  const runner = await startRunnerTestApp(db, llm.url, options.env);
  try {
    await test(runner, llm, await createProject(db));
  } finally {
    await runner.close();
    await llm.close();
  }
}

/** A user and a project of theirs, straight in the database. */
export async function createProject(db: TestDatabase, name = 'Test app'): Promise<string> {
  const userId = `user-${Math.random().toString(36).slice(2)}`;
  await db.query(
    `INSERT INTO users (id, name, email, email_verified) VALUES ($1, 'T', $2, false)`,
    [userId, `${userId}@example.com`],
  );
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id`,
    [userId, name],
  );
  await db.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [id]);
  return id;
}

/** Resolves with the first event (already seen or coming) that matches, or rejects after timeoutMs. */
export function waitForEvent<T extends ServerEventType>(
  events: ServerEvent[],
  projectId: string,
  type: T,
  predicate: (event: Extract<ServerEvent, { type: T }>) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<Extract<ServerEvent, { type: T }>> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = events.find(
        (event): event is Extract<ServerEvent, { type: T }> =>
          event.projectId === projectId &&
          event.type === type &&
          predicate(event as Extract<ServerEvent, { type: T }>),
      );
      if (found) {
        return resolve(found);
      }
      if (Date.now() - started > timeoutMs) {
        return reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }
      setTimeout(check, 10);
    };
    check();
  });
}

/** The project's saved files as path → content. */
export async function savedFiles(
  db: TestDatabase,
  projectId: string,
): Promise<Record<string, string>> {
  const rows = await db.query<{ path: string; content: string }>(
    `SELECT path, content FROM generated_files WHERE project_id = $1 ORDER BY path`,
    [projectId],
  );
  return Object.fromEntries(rows.map((row) => [row.path, row.content]));
}

/** The project's saved files as the database holds them (a binary one in base64). */
export async function savedProjectFiles(db: TestDatabase, projectId: string) {
  const rows = await db.query<{ path: string; content: string; encoding: string }>(
    `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path`,
    [projectId],
  );
  return rows.map((row) => ({
    path: row.path,
    content: row.content,
    ...(row.encoding === 'base64' ? { encoding: 'base64' as const } : {}),
  }));
}

export async function agentRow(db: TestDatabase, projectId: string) {
  const [row] = await db.query<{
    state: string;
    error: { code: string; message: string } | null;
    phases: unknown[];
    deleted_paths: string[];
  }>(`SELECT state, error, phases, deleted_paths FROM agent_states WHERE project_id = $1`, [
    projectId,
  ]);
  return row!;
}
