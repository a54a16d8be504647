import { type INestApplication } from '@nestjs/common';
import { type LlmModelList } from '@forge/protocol';
import { createDemoLlmHandler, DEMO_MODEL_ID, type ScriptedLlmServer } from '@forge/scripted-llm';
import { type TestDatabase } from '../../../../test/support/test-database';
import { AgentSupervisor } from '../../../agent-runner/src/agent/agent-supervisor';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { type DemoStack, eventually, type StackServer, startDemoStack } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

// Paced demo generations on a shared machine: minutes, not the default 60 s.
jest.setTimeout(600_000);

const REQUEST = 'A todo list';
const OTHER_MODEL = 'forge-demo-large';
const demo = createDemoLlmHandler();

describe('models, usage and the chat entries over the live link (e2e)', () => {
  let stack: DemoStack;
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  let runner: StackServer & { app: INestApplication };
  let api: StackServer & { app: INestApplication };
  let user: TestUser;
  let browser: TestBrowser;

  beforeAll(async () => {
    stack = await startDemoStack({
      // Paced, so that a stop can come while a file streams.
      // The demo serves its own name only: the other listed name is answered by it too (the
      // server records the name each request asked for).
      llm: {
        models: [DEMO_MODEL_ID, OTHER_MODEL],
        handler: (request, index) => demo({ ...request, model: DEMO_MODEL_ID }, index),
        chunkSize: 20,
        chunksPerSecond: 100,
      },
    });
    ({ db, llm, runner, api } = stack);
    user = await signUp(api.url);
    browser = await TestBrowser.connect(api.url, { cookie: user.cookie });
  });

  afterAll(async () => {
    browser?.close();
    await stack.close();
  });

  async function newProject(): Promise<string> {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Todo' },
    });
    expect(created.status).toBe(201);
    const projectId = created.body.id as string;
    expect(await browser.join(projectId)).toEqual({ ok: true });
    return projectId;
  }

  const messagesOf = (projectId: string) =>
    browser
      .eventsOf(projectId)
      .flatMap((event) => (event.type === 'message' ? [event] : []))
      .map(({ role, content }) => ({ role, content }));

  /**
   * Waits for the request's end as the browser sees it: its "Done" message, which the runner
   * says after generation_complete (the runner being settled does not mean the browser has it).
   */
  async function finished(projectId: string, count: number): Promise<void> {
    await eventually(
      () => {
        const events = browser.eventsOf(projectId);
        const failure = events.find((e) => e.type === 'error' && e.fatal);
        if (failure) {
          throw new Error(`the request failed: ${JSON.stringify(failure)}`);
        }
        const completed = events.filter((e) => e.type === 'generation_complete').length;
        const done = messagesOf(projectId).filter((m) => m.content.startsWith('Done in')).length;
        return completed >= count && done >= count ? true : undefined;
      },
      'the request to complete',
      300_000,
    );
    await runner.app.get(AgentSupervisor).settled(projectId);
  }

  it('lists the models of the LLM server, to signed-in users only', async () => {
    const listed = await call(api.url, 'GET', '/api/models', { cookie: user.cookie });
    expect(listed.status).toBe(200);
    const list = listed.body as LlmModelList;
    expect(list).toMatchObject({
      provider: 'openai-compatible',
      demo: true,
      defaultModel: 'forge-demo',
    });
    expect(list.models.map((model) => model.id)).toEqual(['forge-demo', OTHER_MODEL]);
    expect((await call(api.url, 'GET', '/api/models', {})).status).toBe(401);
  });

  it('refuses a model the server does not list, and uses a listed one for that request only', async () => {
    const projectId = await newProject();
    const refused = await browser.command('generate', {
      projectId,
      description: REQUEST,
      model: 'gpt-imaginary',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'MODEL_UNKNOWN' } });
    expect(messagesOf(projectId)).toEqual([]);

    const before = llm.requests.length;
    expect(
      await browser.command('generate', { projectId, description: REQUEST, model: OTHER_MODEL }),
    ).toEqual({ ok: true });
    await finished(projectId, 1);
    const calls = llm.requests.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((request) => request.model))).toEqual(new Set([OTHER_MODEL]));

    // Usage went out live, per call, with the model that made it; the API sums it per project.
    const usage = browser
      .eventsOf(projectId)
      .flatMap((event) => (event.type === 'usage' ? [event] : []));
    expect(usage.length).toBe(calls.length);
    expect(usage.every((event) => event.model === OTHER_MODEL)).toBe(true);
    const tokens = usage.reduce((sum, e) => sum + e.promptTokens + e.completionTokens, 0);
    const project = await call(api.url, 'GET', `/api/projects/${projectId}`, {
      cookie: user.cookie,
    });
    expect(project.body.usage).toMatchObject({ calls: usage.length });
    expect(project.body.usage.promptTokens + project.body.usage.completionTokens).toBe(tokens);

    // A follow-up without a model goes back to the configured one.
    const afterFirst = llm.requests.length;
    await browser.command('generate', { projectId, description: 'Change the subtitle to "Hi"' });
    await finished(projectId, 2);
    const followUp = llm.requests.slice(afterFirst);
    expect(new Set(followUp.map((request) => request.model))).toEqual(new Set(['forge-demo']));

    // "Done" says what each request changed, numbering its phases from 1.
    const done = messagesOf(projectId).filter((m) => m.content.startsWith('Done in'));
    expect(done).toHaveLength(2);
    expect(done[0]!.content).toMatch(/^Done in \d+ phases?: (added|changed) /);
    expect(done[1]!.content).toMatch(/^Done in 1 phase: (changed|added) src\/subtitle\.ts\./);
    expect(done[1]!.content).toMatch(/Used [\d,]+ tokens\.$/);
    const completes = browser
      .eventsOf(projectId)
      .flatMap((event) => (event.type === 'generation_complete' ? [event] : []));
    expect(completes[1]).toMatchObject({ phases: 1, removed: [] });
    expect([...completes[1]!.added, ...completes[1]!.changed]).toEqual(['src/subtitle.ts']);
    // The checks of every phase were announced.
    const checked = browser.eventsOf(projectId).filter((e) => e.type === 'checking');
    const served = browser.eventsOf(projectId).filter((e) => e.type === 'server_started');
    expect(checked.length).toBe(served.length);
  });

  it('records edits, restores and stops as short chat entries a reload shows', async () => {
    const projectId = await newProject();
    await browser.command('generate', { projectId, description: REQUEST });
    await finished(projectId, 1);

    const saved = await browser.command('save_file', {
      projectId,
      path: 'src/note.ts',
      content: 'export const note = 1;\n',
    });
    expect(saved).toEqual({ ok: true });
    const [{ latest }]: { latest: number }[] = await db.query(
      `SELECT max(number) AS latest FROM versions WHERE project_id = $1`,
      [projectId],
    );
    expect(await browser.command('rollback', { projectId, version: latest - 1 })).toEqual({
      ok: true,
    });

    // A stop, while the next request's code streams.
    const seen = browser.eventsOf(projectId).length;
    await browser.command('generate', { projectId, description: 'Change the subtitle to "Bye"' });
    await eventually(
      () =>
        browser
          .eventsOf(projectId)
          .slice(seen)
          .some((event) => event.type === 'file_start')
          ? true
          : undefined,
      'the follow-up streaming',
    );
    expect(await browser.command('cancel', { projectId })).toEqual({ ok: true });
    await runner.app.get(AgentSupervisor).settled(projectId);

    const entries = await eventually(async () => {
      const rows: { role: string; content: string }[] = await db.query(
        `SELECT role, content FROM conversation_messages WHERE project_id = $1 AND role = 'system'
         ORDER BY created_at, id`,
        [projectId],
      );
      return rows.length >= 3 ? rows.map((row) => row.content) : undefined;
    }, 'three chat entries');
    expect(entries[0]).toBe(`Edited src/note.ts (version ${latest}).`);
    expect(entries[1]).toMatch(
      new RegExp(`^Restored version ${latest - 1} \\(1 file changed\\), saved as version \\d+\\.$`),
    );
    expect(entries[2]).toBe('Stopped. The files written so far are kept.');
    // The same entries came live, and a fresh snapshot (a reload) has them too.
    const live = messagesOf(projectId).filter((m) => m.role === 'system');
    expect(live.map((m) => m.content)).toEqual(entries);
    const reloaded = await TestBrowser.connect(api.url, { cookie: user.cookie });
    try {
      await reloaded.join(projectId);
      const view = await eventually(() => reloaded.views.get(projectId), 'a snapshot');
      expect(view.messages.filter((m) => m.role === 'system').map((m) => m.content)).toEqual(
        entries,
      );
    } finally {
      reloaded.close();
    }
    const project = await call(api.url, 'GET', `/api/projects/${projectId}`, {
      cookie: user.cookie,
    });
    expect(project.body.state).toBe('STOPPED');
  });
});
