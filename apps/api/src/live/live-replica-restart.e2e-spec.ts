import { DEMO_APPS, type ScriptedLlmServer } from '@forge/scripted-llm';
import { type ServerEvent } from '@forge/protocol';
import { applyScof } from '../../../agent-runner/src/testing/apply-scof';
import { call, signUp } from '../testing/api-test-app';
import {
  type DemoStack,
  eventually,
  freePort,
  type StackServer,
  startDemoStack,
  startLiveApi,
} from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

const TODO_FILES = applyScof(DEMO_APPS.todo.phases.map((phase) => phase.implementation));

/** The events whose effect no snapshot shows whole: a client must get each of them. */
function unseenBySnapshots(events: ServerEvent[]): { seq: number; type: string }[] {
  return events
    .filter((event) => event.type !== 'file_chunk' && event.type !== 'file_end')
    .map(({ seq, type }) => ({ seq, type }));
}

describe('an API replica closed and started again (e2e)', () => {
  let stack: DemoStack;
  let llm: ScriptedLlmServer;
  const servers: StackServer[] = [];
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    // Paced so that a replica can go away in the middle of the first phase.
    stack = await startDemoStack({ llm: { chunkSize: 30, chunksPerSecond: 200 } });
    ({ llm } = stack);
  });

  afterAll(async () => {
    for (const browser of browsers) {
      browser.close();
    }
    for (const server of servers) {
      await server.close();
    }
    await stack.close();
    void llm;
  });

  it('gives a client that came back every event a snapshot does not show, and the same end state', async () => {
    const { db, runner, api: stayingApi } = stack;
    const port = await freePort();
    const env = { RUNNER_URLS: runner.url };
    let leaving = await startLiveApi(db, env, port);
    const user = await signUp(stayingApi.url);
    const created = await call(stayingApi.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Replica restart' },
    });
    const projectId = created.body.id as string;
    const stayed = await TestBrowser.connect(stayingApi.url, { cookie: user.cookie });
    const returning = await TestBrowser.connect(
      leaving.url,
      { cookie: user.cookie },
      { resume: true },
    );
    browsers.push(stayed, returning);
    expect(await stayed.join(projectId)).toEqual({ ok: true });
    expect(await returning.join(projectId)).toEqual({ ok: true });

    expect(await stayed.command('generate', { projectId, description: 'A todo list' })).toEqual({
      ok: true,
    });
    await returning.waitForEvent(projectId, 'file_end');
    await leaving.close();
    const seqAtClose = returning.views.get(projectId)!.seq;
    // Events the returning client cannot have seen: a version, an install, the usage.
    await eventually(
      () =>
        stayed
          .eventsOf(projectId)
          .some((event) => event.type === 'version_created' && event.seq > seqAtClose)
          ? true
          : undefined,
      'a version made while the replica was away',
      60_000,
    );
    leaving = await startLiveApi(db, env, port);
    servers.push(leaving);

    await stayed.waitForEvent(projectId, 'generation_complete', 90_000);
    await returning.waitForEvent(projectId, 'generation_complete', 90_000);
    await eventually(
      () =>
        returning.views.get(projectId)!.seq === stayed.views.get(projectId)!.seq ? true : undefined,
      'both clients at the same seq',
    );
    const missedMeanwhile = unseenBySnapshots(stayed.eventsOf(projectId)).filter(
      (event) => event.seq > seqAtClose,
    );
    // No sandbox in this stack, so no server_started; the other kinds of the issue do come.
    expect(missedMeanwhile.map((event) => event.type)).toEqual(
      expect.arrayContaining(['version_created', 'deps_installed', 'files_written', 'usage']),
    );
    expect(unseenBySnapshots(returning.eventsOf(projectId))).toEqual(
      unseenBySnapshots(stayed.eventsOf(projectId)),
    );
    const view = stayed.views.get(projectId)!;
    expect(view).toMatchObject({ state: 'COMPLETE', streaming: null });
    expect(view.files).toEqual(TODO_FILES);
    expect(returning.views.get(projectId)).toEqual(view);
  }, 180_000);
});
