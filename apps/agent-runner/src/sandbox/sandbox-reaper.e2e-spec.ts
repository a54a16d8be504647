import { mkdtempSync, rmSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createProject, type RunnerTestApp, startRunnerTestApp } from '../testing/runner-test-app';
import { SandboxReaper } from './sandbox-reaper';
import { SandboxSessions } from './sandbox-sessions';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Polls until `probe` is true; fails after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Preparing the template (bun install) takes a while on a loaded machine.
jest.setTimeout(180_000);

describe(SandboxReaper.name, () => {
  let db: TestDatabase;
  let dataDir: string;
  const runners: RunnerTestApp[] = [];

  const start = async (reapIntervalSeconds: number) => {
    const runner = await startRunnerTestApp(db, 'http://127.0.0.1:9/v1', {
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: join(dataDir, 'sandboxes'),
      SANDBOX_TEMPLATE_CACHE: join(dataDir, 'template-cache'),
      SANDBOX_POOL_SIZE: '0',
      SANDBOX_REAP_INTERVAL_SECONDS: String(reapIntervalSeconds),
    });
    runners.push(runner);
    return runner;
  };
  const workspace = (projectId: string) => join(dataDir, 'sandboxes', 'projects', projectId);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'forge-reaper-'));
  });

  afterAll(async () => {
    for (const runner of runners) {
      await runner.close();
    }
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('destroys at start-up, then on each pass, only the sandboxes of deleted projects', async () => {
    const [kept, deletedWhileDown, deletedLater] = [
      await createProject(db),
      await createProject(db),
      await createProject(db),
    ];
    const before = await start(0);
    const sessions = before.app.get(SandboxSessions);
    for (const projectId of [kept, deletedWhileDown, deletedLater]) {
      await sessions.open(projectId);
    }
    for (const projectId of [kept, deletedWhileDown, deletedLater]) {
      expect(await exists(workspace(projectId))).toBe(true);
    }
    await before.close();
    runners.splice(runners.indexOf(before), 1);

    // Deleted while no runner was there to hear of it.
    await db.query(`DELETE FROM projects WHERE id = $1`, [deletedWhileDown]);
    const after = await start(3600);
    await until(
      async () => !(await exists(workspace(deletedWhileDown))),
      'the start-up pass to remove the deleted project’s workspace',
    );
    expect(await exists(workspace(kept))).toBe(true);
    expect(await exists(workspace(deletedLater))).toBe(true);

    await db.query(`DELETE FROM projects WHERE id = $1`, [deletedLater]);
    expect(await after.app.get(SandboxReaper).reap()).toEqual([deletedLater]);
    expect(await exists(workspace(deletedLater))).toBe(false);
    expect(await exists(workspace(kept))).toBe(true);
    expect(await after.app.get(SandboxReaper).reap()).toEqual([]);
  });
});
