import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { call, signUp } from '../testing/api-test-app';
import { RunnerRouter } from './runner-router';
import { type DemoStack, eventually, startDemoStack } from './testing/live-stack';

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
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack({ sandboxes: 'forge-delete-' });
  });
  afterAll(() => stack?.close());

  it('loses its dev server and its workspace as soon as it is deleted', async () => {
    const { db, api } = stack;
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
    const workspace = await realpath(join(stack.sandboxRoot(), 'projects', projectId));

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
    expect(await exists(join(stack.sandboxRoot(), 'projects', projectId))).toBe(false);
  });
});
