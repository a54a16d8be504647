import { type INestApplication } from '@nestjs/common';
import { DEMO_APPS } from '@forge/scripted-llm';
import { type VersionDiff, type VersionList } from '@forge/protocol';
import { applyScof } from '../../../agent-runner/src/testing/apply-scof';
import { AgentSupervisor } from '../../../agent-runner/src/agent/agent-supervisor';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { type DemoStack, eventually, type StackServer, startDemoStack } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

const TODO_FILES = applyScof(DEMO_APPS.todo.phases.map((phase) => phase.implementation));
const REQUEST = 'A todo list where I can tick things off';

/** The tab's first version_created event made for `reason`. */
function versionMade(browser: TestBrowser, projectId: string, reason: string) {
  return eventually(
    () =>
      browser
        .eventsOf(projectId)
        .find((event) => event.type === 'version_created' && event.reason === reason),
    `a version made by ${reason}`,
  );
}

describe('editing and rolling back over the live link (e2e)', () => {
  let stack: DemoStack;
  let runner: StackServer & { app: INestApplication };
  let api: StackServer & { app: INestApplication };
  let owner: TestUser;
  let stranger: TestUser;
  const browsers: TestBrowser[] = [];

  async function tab(user: TestUser): Promise<TestBrowser> {
    const browser = await TestBrowser.connect(api.url, { cookie: user.cookie });
    browsers.push(browser);
    return browser;
  }

  beforeAll(async () => {
    stack = await startDemoStack({ llm: { chunkSize: 30, chunksPerSecond: 400 } });
    ({ runner, api } = stack);
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
  });

  afterAll(async () => {
    for (const browser of browsers.splice(0)) {
      browser.close();
    }
    await stack.close();
  });

  it('saves an edit from two tabs’ point of view, lists and diffs it, and rolls it back', async () => {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: owner.cookie,
      body: { name: 'Todo' },
    });
    const projectId = created.body.id as string;
    const [editor, watcher] = [await tab(owner), await tab(owner)];
    await editor.join(projectId);
    await watcher.join(projectId);

    await editor.command('generate', { projectId, description: REQUEST });
    // Edits wait for the agent: refused while it writes, with nothing saved.
    const early = await editor.command('save_file', {
      projectId,
      path: 'src/App.tsx',
      content: 'export default function App() { return null; }\n',
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'GENERATION_RUNNING' } });
    await editor.waitForEvent(projectId, 'generation_complete');
    await runner.app.get(AgentSupervisor).settled(projectId);

    const edited = TODO_FILES['src/App.tsx']!.replace('Todo list', 'My chores');
    expect(
      await editor.command('save_file', { projectId, path: 'src/App.tsx', content: edited }),
    ).toEqual({ ok: true });
    const version = await versionMade(watcher, projectId, 'edit');
    expect(version).toMatchObject({ number: 3, label: 'Edited src/App.tsx' });
    expect(watcher.views.get(projectId)!.files['src/App.tsx']).toBe(edited);

    const list = await call(api.url, 'GET', `/api/projects/${projectId}/versions`, {
      cookie: owner.cookie,
    });
    expect((list.body as VersionList).versions.map((v) => [v.number, v.reason])).toEqual([
      [3, 'edit'],
      [2, 'phase'],
      [1, 'phase'],
    ]);
    const diff = await call(api.url, 'GET', `/api/projects/${projectId}/versions/3/diff`, {
      cookie: owner.cookie,
    });
    const changed = (diff.body as VersionDiff).files;
    expect(changed.map((file) => [file.path, file.status])).toEqual([['src/App.tsx', 'changed']]);
    expect(changed[0]!.diff).toContain('+');
    expect(changed[0]!.diff).toContain('My chores');

    // Another user can neither edit nor roll back the project; bad input gets a clear error.
    const outsider = await tab(stranger);
    for (const [name, payload] of [
      ['save_file', { projectId, path: 'src/App.tsx', content: 'x' }],
      ['rollback', { projectId, version: 1 }],
    ] as const) {
      expect(await outsider.command(name, payload)).toMatchObject({
        ok: false,
        error: { code: 'PROJECT_NOT_FOUND' },
      });
    }
    expect(
      await editor.command('save_file', { projectId, path: '../../etc/passwd', content: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_PATH' } });
    expect(await editor.command('rollback', { projectId, version: 'two' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_COMMAND' },
    });
    expect(await editor.command('rollback', { projectId, version: 42 })).toMatchObject({
      ok: false,
      error: { code: 'VERSION_NOT_FOUND' },
    });

    expect(await editor.command('rollback', { projectId, version: 2 })).toEqual({ ok: true });
    await versionMade(watcher, projectId, 'rollback');
    expect(watcher.views.get(projectId)!.files).toEqual(TODO_FILES);
    expect(editor.views.get(projectId)!.files).toEqual(TODO_FILES);
    const saved = await call(api.url, 'GET', `/api/projects/${projectId}/files/src/App.tsx`, {
      cookie: owner.cookie,
    });
    expect(saved.body.content).toBe(TODO_FILES['src/App.tsx']);
  });
});
