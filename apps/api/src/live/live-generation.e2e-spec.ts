import { type INestApplication } from '@nestjs/common';
import { DEMO_APPS } from '@forge/scripted-llm';
import { isBusyState, ErrorCode, type ProjectView, type ServerEvent } from '@forge/protocol';
import { type TestDatabase } from '../../../../test/support/test-database';
import { applyScof } from '../../../agent-runner/src/testing/apply-scof';
import { AgentSupervisor } from '../../../agent-runner/src/agent/agent-supervisor';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { RunnerLinks } from './runner-links';
import { type DemoStack, eventually, type StackServer, startDemoStack } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

const TODO_FILES = applyScof(DEMO_APPS.todo.phases.map((phase) => phase.implementation));
const REQUEST = 'A todo list where I can tick things off';

/** Seqs only grow and none repeats. */
function expectInOrderOnce(events: ServerEvent[]): void {
  const seqs = events.map((event) => event.seq);
  for (let i = 1; i < seqs.length; i++) {
    expect(seqs[i]).toBeGreaterThan(seqs[i - 1]!);
  }
}

describe('generating over the live link (e2e)', () => {
  let stack: DemoStack;
  let db: TestDatabase;
  let runner: StackServer & { app: INestApplication };
  let api: StackServer & { app: INestApplication };
  let user: TestUser;
  const browsers: TestBrowser[] = [];

  async function newProject(): Promise<string> {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Todo' },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function tab(): Promise<TestBrowser> {
    const browser = await TestBrowser.connect(api.url, { cookie: user.cookie });
    browsers.push(browser);
    return browser;
  }

  beforeAll(async () => {
    // Paced so that a tab can drop and come back in the middle of a phase.
    stack = await startDemoStack({ llm: { chunkSize: 30, chunksPerSecond: 200 } });
    ({ db, runner, api } = stack);
    user = await signUp(api.url);
  });

  afterEach(() => {
    for (const browser of browsers.splice(0)) {
      browser.close();
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  it('gives two tabs the same events once each in seq order, and the same end state', async () => {
    const projectId = await newProject();
    const [first, second] = [await tab(), await tab()];
    expect(await first.join(projectId)).toEqual({ ok: true });
    expect(await second.join(projectId)).toEqual({ ok: true });
    expect(first.views.get(projectId)).toMatchObject({ state: 'IDLE', files: {}, streaming: null });

    expect(await first.command('generate', { projectId, description: REQUEST })).toEqual({
      ok: true,
    });
    await first.waitForEvent(projectId, 'generation_complete');
    // The agent's last words follow generation_complete; wait until it is done and they arrived.
    await runner.app.get(AgentSupervisor).settled(projectId);
    const saved = await db.query<{ role: string; content: string }>(
      `SELECT role, content FROM conversation_messages WHERE project_id = $1 ORDER BY created_at, id`,
      [projectId],
    );
    const chatOf = (browser: TestBrowser) =>
      browser.eventsOf(projectId).flatMap((event) => (event.type === 'message' ? [event] : []));
    await eventually(
      () => ([first, second].every((b) => chatOf(b).length === saved.length) ? true : undefined),
      'every chat message on both tabs',
    );

    const events = first.eventsOf(projectId);
    expectInOrderOnce(events);
    expect(second.eventsOf(projectId)).toEqual(events);
    // The user's prompt and the agent's replies arrive as chat messages, and are saved.
    const messages = chatOf(first);
    expect(messages[0]).toMatchObject({ role: 'user', content: REQUEST });
    expect(messages.some((message) => message.role === 'assistant')).toBe(true);
    expect(saved).toEqual(messages.map(({ role, content }) => ({ role, content })));

    const view = first.views.get(projectId)!;
    expect(view).toMatchObject({ state: 'COMPLETE', streaming: null, error: null });
    expect(view.files).toEqual(TODO_FILES);
    expect(second.views.get(projectId)).toEqual(view);
  });

  it('brings a tab that dropped mid-generation back to exactly what a tab that stayed has', async () => {
    const projectId = await newProject();
    const [stayed, dropped] = [await tab(), await tab()];
    await stayed.join(projectId);
    await dropped.join(projectId);
    await stayed.command('generate', { projectId, description: REQUEST });

    // Drop in the middle of a streamed file, miss events, come back.
    await eventually(
      () => (dropped.views.get(projectId)?.streaming?.content ? true : undefined),
      'a file half streamed',
    );
    dropped.socket.disconnect();
    const seqAtDrop = dropped.views.get(projectId)!.seq;
    await eventually(
      () => (stayed.views.get(projectId)!.seq > seqAtDrop + 20 ? true : undefined),
      'events missed by the dropped tab',
    );
    const snapshotsBefore = dropped.snapshots.length;
    dropped.socket.connect();
    await eventually(
      () => (dropped.snapshots.length > snapshotsBefore ? true : undefined),
      'a snapshot after reconnecting',
    );
    const resumed = dropped.snapshots.at(-1)!;
    expect(resumed.seq).toBeGreaterThan(seqAtDrop);
    expect(isBusyState(resumed.state)).toBe(true);

    await stayed.waitForEvent(projectId, 'generation_complete');
    await dropped.waitForEvent(projectId, 'generation_complete');
    await eventually(
      () =>
        dropped.views.get(projectId)!.seq === stayed.views.get(projectId)!.seq ? true : undefined,
      'both tabs at the last event',
    );
    // After the snapshot the dropped tab got every later event, once, in order.
    const after = dropped.eventsOf(projectId).filter((event) => event.seq > resumed.seq);
    expectInOrderOnce(after);
    expect(after).toEqual(stayed.eventsOf(projectId).filter((event) => event.seq > resumed.seq));
    const view: ProjectView = stayed.views.get(projectId)!;
    expect(view.files).toEqual(TODO_FILES);
    expect(dropped.views.get(projectId)).toEqual(view);
  });

  it('re-snapshots tabs after the API lost its runner link mid-generation', async () => {
    const projectId = await newProject();
    const watcher = await tab();
    await watcher.join(projectId);
    await watcher.command('generate', { projectId, description: REQUEST });
    await eventually(
      () => (watcher.views.get(projectId)?.streaming?.content ? true : undefined),
      'a file half streamed',
    );
    const snapshotsBefore = watcher.snapshots.length;
    // The link drops; whatever the runner sends until it is back is lost to this API.
    const [link] = api.app.get(RunnerLinks).up();
    link!.socket.io.engine.close();
    await eventually(
      () => (watcher.snapshots.length > snapshotsBefore ? true : undefined),
      'a snapshot after the link came back',
    );

    await watcher.waitForEvent(projectId, 'generation_complete');
    await runner.app.get(AgentSupervisor).settled(projectId);
    const late = await tab();
    await late.join(projectId);
    await eventually(
      () =>
        watcher.views.get(projectId)!.seq === late.views.get(projectId)!.seq ? true : undefined,
      'the watcher at the last event',
    );
    expect(watcher.views.get(projectId)!.files).toEqual(TODO_FILES);
    expect(watcher.views.get(projectId)).toEqual(late.views.get(projectId));
  });

  it('refuses generate while a generation runs, and answers get_state with a snapshot', async () => {
    const projectId = await newProject();
    const browser = await tab();
    await browser.join(projectId);
    expect(await browser.command('generate', { projectId, description: REQUEST })).toEqual({
      ok: true,
    });
    const again = await browser.command('generate', { projectId, description: 'Another' });
    expect(again).toMatchObject({ ok: false, error: { code: ErrorCode.GenerationRunning } });
    expect(browser.errors.at(-1)).toMatchObject({
      code: ErrorCode.GenerationRunning,
      command: 'generate',
      projectId,
    });

    const before = browser.snapshots.length;
    expect(await browser.command('get_state', { projectId })).toEqual({ ok: true });
    expect(browser.snapshots.length).toBe(before + 1);
    expect(browser.snapshots.at(-1)).toMatchObject({ projectId, state: expect.any(String) });

    expect(await browser.command('cancel', { projectId })).toEqual({ ok: true });
    await eventually(
      () => (browser.views.get(projectId)?.state === 'IDLE' ? true : undefined),
      'IDLE after cancel',
    );
  });
});
