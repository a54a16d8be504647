import { type ChildProcess } from 'node:child_process';
import {
  createDemoLlmHandler,
  createScriptedLlmServer,
  DEMO_APPS,
  type ScriptedLlmServer,
} from '@forge/scripted-llm';
import { type ServerEvent } from '@forge/protocol';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { applyScof } from '../../../agent-runner/src/testing/apply-scof';
import { call, signUp } from '../testing/api-test-app';
import {
  assertRedisReachable,
  eventually,
  spawnRunner,
  startLiveApi,
  type StackServer,
  TEST_REDIS_URL,
} from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

const TODO_FILES = applyScof(DEMO_APPS.todo.phases.map((phase) => phase.implementation));

function expectInOrderOnce(events: ServerEvent[]): void {
  const seqs = events.map((event) => event.seq);
  for (let i = 1; i < seqs.length; i++) {
    expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  }
}

/**
 * Needs the built runner (apps/agent-runner/dist, as `npm test` builds it) and Redis at
 * FORGE_TEST_REDIS_URL (default redis://127.0.0.1:6379).
 */
describe('two API replicas and two runners (e2e)', () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  const runners = new Map<string, StackServer & { child: ChildProcess }>();
  const apis: StackServer[] = [];
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    await assertRedisReachable();
    db = await createTestDatabase();
    // Slow enough to kill a runner in the middle of a phase.
    llm = await createScriptedLlmServer({
      handler: createDemoLlmHandler(),
      models: ['forge-demo'],
      chunkSize: 30,
      chunksPerSecond: 150,
    });
    for (const id of ['runner-a', 'runner-b']) {
      runners.set(id, await spawnRunner(db, llm.url, { RUNNER_ID: id }));
    }
    const urls = [...runners.values()].map((runner) => runner.url).join(',');
    for (let i = 0; i < 2; i++) {
      apis.push(await startLiveApi(db, { RUNNER_URLS: urls, REDIS_URL: TEST_REDIS_URL }));
    }
  });

  afterAll(async () => {
    for (const browser of browsers) {
      browser.close();
    }
    for (const api of apis) {
      await api.close();
    }
    for (const runner of runners.values()) {
      await runner.close();
    }
    await llm?.close();
    await db?.drop();
  });

  it('shows the generation on both replicas, and finishes it on the other runner after the first is killed', async () => {
    const [apiOne, apiTwo] = apis as [StackServer, StackServer];
    const user = await signUp(apiOne.url);
    const created = await call(apiTwo.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Scaled todo' },
    });
    const projectId = created.body.id as string;
    for (const api of apis) {
      const browser = await TestBrowser.connect(api.url, { cookie: user.cookie });
      browsers.push(browser);
      expect(await browser.join(projectId)).toEqual({ ok: true });
    }
    const [onOne, onTwo] = browsers as [TestBrowser, TestBrowser];

    expect(await onOne.command('generate', { projectId, description: 'A todo list' })).toEqual({
      ok: true,
    });
    // Both replicas see the first phase's files arrive.
    await onOne.waitForEvent(projectId, 'file_end');
    await onTwo.waitForEvent(projectId, 'file_end');

    const [{ lease_owner: holder }] = await db.query<{ lease_owner: string }>(
      `SELECT lease_owner FROM agent_states WHERE project_id = $1`,
      [projectId],
    );
    expect(runners.has(holder)).toBe(true);
    const seqBeforeKill = onOne.views.get(projectId)!.seq;
    runners.get(holder)!.child.kill('SIGKILL');

    await onOne.waitForEvent(projectId, 'generation_complete', 90_000);
    // The runner releases the lease once the agent is done, its last chat message included.
    await eventually(
      async () => {
        const [row] = await db.query<{ state: string; lease_owner: string | null }>(
          `SELECT state, lease_owner FROM agent_states WHERE project_id = $1`,
          [projectId],
        );
        return row?.state === 'COMPLETE' && row.lease_owner === null ? true : undefined;
      },
      'the generation to be COMPLETE and its lease released',
      90_000,
    );
    const [{ count }] = await db.query<{ count: string }>(
      `SELECT count(*) FROM conversation_messages WHERE project_id = $1`,
      [projectId],
    );
    const chat = (browser: TestBrowser) =>
      browser.eventsOf(projectId).filter((event) => event.type === 'message').length;
    await eventually(
      () => (browsers.every((browser) => chat(browser) === Number(count)) ? true : undefined),
      'every chat message on both replicas',
    );
    // Events went on after the kill: the other runner resumed the project.
    const resumed = onOne.eventsOf(projectId).filter((event) => event.seq > seqBeforeKill);
    expect(resumed.length).toBeGreaterThan(0);

    for (const browser of browsers) {
      expectInOrderOnce(browser.eventsOf(projectId));
    }
    expect(onTwo.eventsOf(projectId)).toEqual(onOne.eventsOf(projectId));
    const view = onOne.views.get(projectId)!;
    expect(view).toMatchObject({ state: 'COMPLETE', streaming: null });
    expect(view.files).toEqual(TODO_FILES);
    expect(onTwo.views.get(projectId)).toEqual(view);

    // Deleted through one replica, the project is closed on the tabs of both.
    const deleted = await call(apiOne.url, 'DELETE', `/api/projects/${projectId}`, {
      cookie: user.cookie,
    });
    expect(deleted.status).toBe(204);
    for (const browser of browsers) {
      await eventually(
        () =>
          browser.errors.find(
            (error) =>
              error.projectId === projectId && error.message === 'This project was deleted.',
          ),
        'the deletion notice on every replica',
      );
    }
  }, 180_000);
});
