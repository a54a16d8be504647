import { mkdtempSync, rmSync } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoLlmServer, type ScriptedLlmServer } from '@forge/scripted-llm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { call, signUp } from '../testing/api-test-app';
import { RunnerRouter } from './runner-router';
import {
  eventually,
  type StackServer,
  startLinkedRunner,
  startLiveApi,
} from './testing/live-stack';
import { type INestApplication } from '@nestjs/common';

/** Whether anything answers HTTP at `url` (a refused connection is `false`). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

// Preparing the template and a cold Vite start take a while on a loaded machine.
jest.setTimeout(180_000);

describe('a deleted project (e2e, process sandboxes)', () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  let runner: StackServer;
  let api: StackServer & { app: INestApplication };
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'forge-delete-'));
    llm = await createDemoLlmServer({ port: 0 });
    runner = await startLinkedRunner(db, llm.url, {
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: join(dataDir, 'sandboxes'),
      SANDBOX_TEMPLATE_CACHE: join(dataDir, 'template-cache'),
      SANDBOX_POOL_SIZE: '0',
    });
    api = await startLiveApi(db, { RUNNER_URLS: runner.url });
  });

  afterAll(async () => {
    await api?.close();
    await runner?.close();
    await llm?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses its dev server and its workspace as soon as it is deleted', async () => {
    const user = await signUp(api.url);
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Doomed' },
    });
    const projectId = created.body.id as string;
    await db.query(
      `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, 'src/App.tsx', $2, 1)`,
      [projectId, 'export default function App() {\n  return <h1>Doomed</h1>;\n}\n'],
    );
    const router = api.app.get(RunnerRouter);
    // Retried until the API has linked to the runner.
    const devServer = await eventually(
      () => router.previewUrl(projectId).catch(() => undefined),
      'the dev server',
      120_000,
    );
    expect(devServer).not.toBeNull();
    expect((await fetch(`${devServer}/src/App.tsx`)).status).toBe(200);
    const workspace = await realpath(join(dataDir, 'sandboxes', 'projects', projectId));

    const deleted = await call(api.url, 'DELETE', `/api/projects/${projectId}`, {
      cookie: user.cookie,
    });
    expect(deleted.status).toBe(204);

    await eventually(
      async () => (!(await answers(devServer!)) ? true : undefined),
      'the dev server to refuse connections',
      15_000,
    );
    await eventually(
      async () => (!(await exists(workspace)) ? true : undefined),
      'the workspace folder to be gone',
      15_000,
    );
    // A preview asked for afterwards does not make the sandbox again.
    await expect(router.previewUrl(projectId)).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    expect(await exists(join(dataDir, 'sandboxes', 'projects', projectId))).toBe(false);
  });
});
