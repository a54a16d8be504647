import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type INestApplication } from '@nestjs/common';
import { createDemoLlmServer, type ScriptedLlmServer } from '@forge/scripted-llm';
import {
  freePort,
  startLinkedRunner,
  startLiveApi,
  type StackServer,
} from '../../../apps/api/src/live/testing/live-stack';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { CHROMIUM_PATH } from './browser';

const ROOT = resolve(__dirname, '../../..');
const WEB_DIR = join(ROOT, 'apps/web');
const WEB_DIST = join(WEB_DIR, 'dist/browser');
/** Kept between runs: preparing the app template (bun install) is the slow part of a first run. */
export const E2E_TEMPLATE_CACHE = join(tmpdir(), 'forge-e2e-template-cache');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the Angular app (production, with its bundle budget) when its sources are newer. */
export function ensureWebBuild(): void {
  const index = join(WEB_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(join(WEB_DIR, 'src')),
    newestMtime(join(ROOT, 'libs/protocol/src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) {
    return;
  }
  const build = spawnSync('npx', ['ng', 'build'], {
    cwd: WEB_DIR,
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    throw new Error(`ng build failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}

export interface WebStackOptions {
  /** The model the runner talks to (started here, closed with the stack); the demo by default. */
  llm?: () => Promise<ScriptedLlmServer>;
  /** More runner settings (LLM_MODEL_CODE for a model that is not the demo, say). */
  runnerEnv?: Record<string, string>;
  /** More API settings (GIT_ALLOW_HTTP_LOOPBACK for a loopback git server, say). */
  apiEnv?: Record<string, string>;
}

export interface WebStack {
  /** The web app's origin, as a user opens it. */
  url: string;
  api: StackServer;
  runner: StackServer & { app: INestApplication };
  /** Where the process sandbox keeps the projects' workspaces. */
  sandboxRoot: string;
  /** Published apps' addresses: PUBLISH_URL_TEMPLATE, `{slug}` to replace. */
  publishTemplate: string;
  close(): Promise<void>;
}

/**
 * The real stack on free ports: PostgreSQL (the tests' server, a database of its own), the
 * offline demo model over HTTP, the agent-runner with the process sandbox, the API linked to
 * it, and the built web app behind scripts/lib/web-server.mjs (static files, /api and
 * /socket.io passed to the API), all on 127.0.0.1.
 */
export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  ensureWebBuild();
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      await closer().catch(() => undefined);
    }
  };
  try {
    const db: TestDatabase = await createTestDatabase();
    closers.push(() => db.drop());
    const llm: ScriptedLlmServer = options.llm
      ? await options.llm()
      : await createDemoLlmServer({ host: '127.0.0.1', port: 0 });
    closers.push(() => llm.close());
    const sandboxRoot = mkdtempSync(join(tmpdir(), 'forge-e2e-sandboxes-'));
    closers.push(async () => rmSync(sandboxRoot, { recursive: true, force: true }));
    mkdirSync(E2E_TEMPLATE_CACHE, { recursive: true });
    const runner = await startLinkedRunner(db, llm.url, {
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: sandboxRoot,
      SANDBOX_TEMPLATE_CACHE: E2E_TEMPLATE_CACHE,
      SANDBOX_POOL_SIZE: '0',
      // The demo streams like a model typing; a silent minute means something is wrong.
      LLM_SILENCE_TIMEOUT_MS: '60000',
      ...options.runnerEnv,
      // Dashboard thumbnails, pictured by the browser the tests use.
      THUMBNAIL_CHROMIUM_PATH: CHROMIUM_PATH,
    });
    closers.push(() => runner.close());
    const [webPort, previewPort, publishPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const publishTemplate = `http://{slug}.apps.localhost:${publishPort}`;
    const url = `http://127.0.0.1:${webPort}`;
    const api = await startLiveApi(db, {
      RUNNER_URLS: runner.url,
      PUBLIC_URL: url,
      // Previews on an origin of their own; Chromium resolves *.localhost to the loopback.
      PREVIEW_PORT: String(previewPort),
      PREVIEW_URL_TEMPLATE: `http://{projectId}.preview.localhost:${previewPort}`,
      PREVIEW_TOKEN_SECRET: 'e2e-preview-secret-0123456789abcdef0123',
      PUBLISH_PORT: String(publishPort),
      PUBLISH_URL_TEMPLATE: publishTemplate,
      ...options.apiEnv,
    });
    closers.push(() => api.close());
    const web = await startWebServer(webPort, api.url);
    closers.push(
      () =>
        new Promise((done) => {
          web.close(done);
          // Kept-alive browser connections would hold close() open.
          web.closeAllConnections();
        }),
    );
    return { url, api, runner, sandboxRoot, publishTemplate, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startWebServer(port: number, apiUrl: string): Promise<Server> {
  // An ES module: kept as a dynamic import (jest runs with --experimental-vm-modules).
  const moduleUrl = pathToFileURL(join(ROOT, 'scripts/lib/web-server.mjs')).href;
  const { createWebServer } = (await import(moduleUrl)) as {
    createWebServer(options: { root: string; apiUrl: string }): Server;
  };
  const server = createWebServer({ root: WEB_DIST, apiUrl });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return server;
}
