import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScriptedLlmServer, type ScriptedLlmServer } from '@forge/scripted-llm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AgentCommandError } from '../agent/agent-command-error';
import { createProject, type RunnerTestApp, startRunnerTestApp } from '../testing/runner-test-app';
import { SandboxSessions } from './sandbox-sessions';

jest.setTimeout(240_000);

/** `count` projects of one new user. */
async function projectsOfOneUser(db: TestDatabase, count: number): Promise<string[]> {
  const first = await createProject(db);
  const [{ owner_id: ownerId }] = await db.query<{ owner_id: string }>(
    `SELECT owner_id FROM projects WHERE id = $1`,
    [first],
  );
  const ids = [first];
  for (let i = 1; i < count; i++) {
    const [{ id }] = await db.query<{ id: string }>(
      `INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id`,
      [ownerId, `App ${i}`],
    );
    await db.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [id]);
    ids.push(id);
  }
  return ids;
}

describe('per-user caps (e2e)', () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  let releaseLlm: () => void;

  beforeAll(async () => {
    db = await createTestDatabase();
    const held = new Promise<void>((resolve) => (releaseLlm = resolve));
    // Every LLM call waits until the test ends: generations stay running meanwhile.
    llm = await createScriptedLlmServer({
      handler: async () => {
        await held;
        return { fault: 'http' as const, status: 503, retryable: false };
      },
    });
  });
  afterAll(async () => {
    releaseLlm();
    await llm?.close();
    await db?.drop();
  });

  describe('GENERATIONS_MAX_PER_USER', () => {
    let runner: RunnerTestApp;
    beforeAll(async () => {
      runner = await startRunnerTestApp(db, llm.url, {
        GENERATIONS_MAX_PER_USER: '2',
        LLM_MAX_RETRIES: '0',
      });
    });
    afterAll(async () => runner?.close());

    it('lets a user start as many generations at once as the cap, racing, and refuses the rest by name', async () => {
      const mine = await projectsOfOneUser(db, 5);
      const results = await Promise.allSettled(
        mine.map((id) => runner.supervisor.generate(id, 'A todo list')),
      );
      const refused = results.filter((result) => result.status === 'rejected');
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
      expect(refused).toHaveLength(3);
      for (const result of refused) {
        const error = (result as PromiseRejectedResult).reason as AgentCommandError;
        expect(error).toBeInstanceOf(AgentCommandError);
        expect(error.code).toBe('GENERATIONS_LIMIT');
        expect(error.message).toContain('GENERATIONS_MAX_PER_USER');
      }

      // Another user is not held back by this one's generations.
      const [theirs] = await projectsOfOneUser(db, 1);
      await expect(runner.supervisor.generate(theirs!, 'A timer')).resolves.toBeUndefined();

      // Once one of the running ones stops, the user may start another.
      const started = mine.filter((_, i) => results[i]!.status === 'fulfilled');
      await runner.supervisor.cancel(started[0]!);
      const waiting = mine.find((id) => !started.includes(id))!;
      await expect(runner.supervisor.generate(waiting, 'A todo list')).resolves.toBeUndefined();
      for (const id of [started[1]!, waiting, theirs!]) {
        await runner.supervisor.cancel(id);
      }
    });
  });

  describe('SANDBOX_MAX_PER_USER', () => {
    let runner: RunnerTestApp;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'forge-runner-caps-'));
      runner = await startRunnerTestApp(db, llm.url, {
        SANDBOX_PROVIDER: 'process',
        SANDBOX_ROOT: join(dataDir, 'sandboxes'),
        SANDBOX_TEMPLATE_CACHE: join(dataDir, 'template-cache'),
        SANDBOX_POOL_SIZE: '0',
        SANDBOX_MAX_PER_USER: '1',
      });
    });
    afterAll(async () => {
      await runner?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("puts a user's least recently used sandbox to sleep when they open one past the cap, not another user's", async () => {
      const sessions = runner.app.get(SandboxSessions);
      const [first, second] = await projectsOfOneUser(db, 2);
      const [theirs] = await projectsOfOneUser(db, 1);
      await sessions.devServerUrl(theirs!);
      await sessions.devServerUrl(first!);
      const a = (await sessions.open(first!))!;
      await expect(a.status()).resolves.toBe('running');

      await sessions.devServerUrl(second!);
      await expect(a.status()).resolves.toBe('stopped');
      await expect((await sessions.open(theirs!))!.status()).resolves.toBe('running');
      const b = (await sessions.open(second!))!;
      await expect(b.status()).resolves.toBe('running');

      // The next visit wakes the sleeping one, and the other goes to sleep in turn.
      const url = await sessions.devServerUrl(first!);
      await expect(fetch(url!).then((response) => response.status)).resolves.toBe(200);
      await expect(b.status()).resolves.toBe('stopped');
    });
  });
});
