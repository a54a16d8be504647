import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { type HostAnswer, requestAsHost } from '../../../../../test/support/host-request';
import { processSandboxes } from '../../../../../test/support/process-sandboxes';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import {
  freePort,
  startLinkedRunner,
  startLiveApi,
  type StackServer,
} from '../../live/testing/live-stack';

/** The prepared app template, shared by the e2e tests (the first run bun-installs it). */
const TEMPLATE_CACHE = join(tmpdir(), 'forge-e2e-template-cache');

/** A fresh database, a runner with process sandboxes, and an API publishing apps. */
export interface PublishStack {
  db: TestDatabase;
  runner: StackServer & { app: INestApplication };
  api: StackServer & { app: INestApplication };
  /** The API's publish port: every app at `http://<slug>.apps.localhost:<port>`. */
  publishPort: number;
  /** SANDBOX_ROOT of the runner's process sandboxes (workspaces in its `projects` folder). */
  sandboxRoot: string;
  /** The Host header a browser sends for the app at `slug`. */
  host(slug: string): string;
  /** Closes the API and the runner, drops the database and deletes the sandboxes. */
  close(): Promise<void>;
}

/**
 * Starts a publish stack, its sandboxes in a temp folder named from `prefix`. `runnerEnv` adds
 * to the runner's settings. Publications are read afresh on every request
 * (PUBLISH_CHECK_CACHE_MS=0); the API has no sandbox of its own.
 */
export async function startPublishStack(
  prefix: string,
  runnerEnv: Record<string, string> = {},
): Promise<PublishStack> {
  mkdirSync(TEMPLATE_CACHE, { recursive: true });
  const sandboxes = processSandboxes(prefix, TEMPLATE_CACHE);
  const db = await createTestDatabase();
  const runner = await startLinkedRunner(db, 'http://127.0.0.1:9', {
    ...sandboxes.env,
    ...runnerEnv,
  });
  const publishPort = await freePort();
  const api = await startLiveApi(db, {
    RUNNER_URLS: runner.url,
    PUBLISH_PORT: String(publishPort),
    PUBLISH_URL_TEMPLATE: `http://{slug}.apps.localhost:${publishPort}`,
    PUBLISH_CHECK_CACHE_MS: '0',
    SANDBOX_PROVIDER: 'none',
  });
  return {
    db,
    runner,
    api,
    publishPort,
    sandboxRoot: sandboxes.root,
    host: (slug) => `${slug}.apps.localhost:${publishPort}`,
    async close() {
      await api.close();
      await runner.close();
      await db.drop();
      sandboxes.remove();
    },
  };
}

/** A GET (a POST of `post` as JSON) to the published-app server as a browser at `host` sends it. */
export function fetchPublished(
  port: number,
  host: string,
  path: string,
  cookie?: string,
  post?: object,
): Promise<HostAnswer> {
  return requestAsHost(port, host, path, {
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(post ? { 'content-type': 'application/json' } : {}),
    },
    body: post ? JSON.stringify(post) : undefined,
  });
}
