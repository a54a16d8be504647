/**
 * The workspace page against a real Socket.IO server standing in for the API's gateway (REST
 * through Angular's testing backend). The socket client runs as in Node, see
 * live-socket.service.spec.ts.
 *
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  type TestRequest,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ErrorCode } from '@forge/protocol/errors';
import { API_BASE_URL } from '../core/api-base-url.token';
import { LIVE_SOCKET_OPTIONS } from '../live/live-socket.service';
import { TestLiveServer, snapshotOf, until } from '../live/testing/test-live-server';
import { PROJECTS_URL } from '../project/projects.service';
import { StartPromptsService } from '../project/start-prompts.service';
import { WorkspaceComponent } from './workspace.component';
import { answerModels } from '../models/testing/answer-models';

@Component({ template: 'sign in', changeDetection: ChangeDetectionStrategy.OnPush })
class SignInPageComponent {}

const PROJECT = '11111111-1111-4111-8111-111111111111';
const PROJECT_URL = `${PROJECTS_URL}/${PROJECT}`;

describe(WorkspaceComponent.name, () => {
  let server: TestLiveServer;
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    server = await TestLiveServer.start();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(
          [
            { path: 'project/:id', component: WorkspaceComponent },
            { path: 'sign-in', component: SignInPageComponent },
          ],
          withComponentInputBinding(),
        ),
        { provide: API_BASE_URL, useValue: server.url },
        { provide: LIVE_SOCKET_OPTIONS, useValue: { reconnectionDelay: 20 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(async () => {
    answerModels(http);
    http.verify();
    // Leaving the page closes its socket.
    harness.fixture.destroy();
    await server.close();
  });

  const page = () => harness.fixture.nativeElement as HTMLElement;
  const text = () => page().textContent?.replace(/\s+/g, ' ') ?? '';

  async function render(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await harness.fixture.whenStable();
  }

  /** Opens the page and answers its REST calls: the project, an empty chat, no files. */
  async function open(description = 'A todo list'): Promise<void> {
    const navigation = harness.navigateByUrl(`/project/${PROJECT}`);
    await navigation;
    await render();
    http.expectOne(PROJECT_URL).flush({
      id: PROJECT,
      name: 'Todo',
      description,
      state: 'IDLE',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    http
      .expectOne((request) => request.url === `${PROJECT_URL}/messages`)
      .flush({
        items: [],
        nextCursor: null,
      });
    http.expectOne(`${PROJECT_URL}/files`).flush({ files: [] });
    await render();
  }

  async function eventually(probe: () => boolean, what: string): Promise<void> {
    await until(() => {
      harness.fixture.detectChanges();
      return probe();
    }, what);
  }

  /** The request to `url` once the page has made it. */
  async function requestTo(url: string): Promise<TestRequest> {
    let found: TestRequest | undefined;
    await eventually(() => {
      [found] = http.match(url);
      return found !== undefined;
    }, `GET ${url}`);
    return found!;
  }

  /** Opens a project whose generation is complete (one file), once the snapshot shows. */
  async function openReady(): Promise<void> {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      state: 'COMPLETE',
      files: [{ path: 'src/App.tsx', content: 'x' }],
    });
    await open();
    await eventually(() => text().includes('Ready'), 'the snapshot');
  }

  it('starts the generation with the prompt the project was created from', async () => {
    TestBed.inject(StartPromptsService).set(PROJECT, 'A todo list');
    await open();
    await eventually(() => server.count('generate') === 1, 'the generate command');
    expect(server.commands.find((c) => c.name === 'generate')?.payload).toEqual({
      projectId: PROJECT,
      description: 'A todo list',
    });
  });

  it('offers the description of a new project that has no prompt on its way', async () => {
    await open('A markdown notes app');
    await eventually(() => server.count('join') === 1, 'the join');
    await eventually(
      () =>
        page().querySelector<HTMLTextAreaElement>('#chat-input')?.value === 'A markdown notes app',
      'the suggested prompt',
    );
    expect(server.count('generate')).toBe(0);
  });

  it('shows the live state: the agent at work, the plan and the file being written', async () => {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      seq: 10,
      state: 'IMPLEMENTING_PHASE',
      currentPhase: 1,
      phases: [
        {
          number: 1,
          request: 1,
          name: 'Layout',
          description: 'd',
          files: [{ path: 'src/App.tsx', purpose: 'the app' }],
          dependencies: [],
          lastPhase: true,
          status: 'designed',
        },
      ],
    });
    await open();
    await eventually(() => server.count('join') === 1, 'the join');
    server.latest.emit('file_start', {
      type: 'file_start',
      path: 'src/App.tsx',
      phase: 1,
      projectId: PROJECT,
      seq: 11,
    });
    server.latest.emit('file_chunk', {
      type: 'file_chunk',
      path: 'src/App.tsx',
      chunk: 'export',
      projectId: PROJECT,
      seq: 12,
    });
    await eventually(() => text().includes('▸ src/App.tsx'), 'the file in the top bar');
    expect(text()).toContain('Writing code');
    expect(text()).toContain('phase 1 of 1');
    expect(page().querySelector('.file[data-state="writing"]')?.textContent).toContain(
      'src/App.tsx',
    );
  });

  it('asks for a fresh snapshot when the events skip a number', async () => {
    await open();
    await eventually(() => server.count('join') === 1, 'the join');
    await eventually(() => text().includes('Idle'), 'the first snapshot');
    server.latest.emit('state_change', {
      type: 'state_change',
      state: 'DESIGNING_PHASE',
      previous: 'IDLE',
      projectId: PROJECT,
      seq: 5,
    });
    await eventually(() => server.count('get_state') === 1, 'get_state');
  });

  it('asks before Esc stops the generation, and stops it on yes', async () => {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      state: 'DESIGNING_PHASE',
    });
    await open();
    await eventually(() => text().includes('Designing'), 'the busy state');

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await render();
    const dialog = page().querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain('Stop the generation?');
    expect(server.count('cancel')).toBe(0);

    dialog.querySelector<HTMLButtonElement>('.confirm')!.click();
    await eventually(() => server.count('cancel') === 1, 'the cancel command');
    expect(dialog.open).toBe(false);
  });

  it('sends a change on Enter, keeps Shift+Enter for a new line, and shows a refusal', async () => {
    await openReady();
    const input = page().querySelector<HTMLTextAreaElement>('#chat-input')!;
    input.value = 'Make it blue';
    input.dispatchEvent(new Event('input'));
    const shiftEnter = new KeyboardEvent('keydown', {
      key: 'Enter',
      shiftKey: true,
      cancelable: true,
    });
    input.dispatchEvent(shiftEnter);
    expect(shiftEnter.defaultPrevented).toBe(false);
    expect(server.count('generate')).toBe(0);

    server.answer = {
      ok: false,
      error: {
        code: ErrorCode.RateLimited,
        message: 'At most 10 generations per 60 s; try again in 42 s.',
      },
    };
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
    await eventually(
      () => page().querySelector('.composer [role="alert"]') !== null,
      'the refusal',
    );
    expect(page().querySelector('.composer [role="alert"]')?.textContent).toContain(
      'try again in 42 s',
    );
    expect(server.commands.find((c) => c.name === 'generate')?.payload).toEqual({
      projectId: PROJECT,
      description: 'Make it blue',
    });
    // The refused prompt is back in the box.
    expect(input.value).toBe('Make it blue');
  });

  it('sends the errors the checks found to the agent when asked to fix them', async () => {
    await openReady();
    const problem = {
      tool: 'tsc' as const,
      message: "Type 'string' is not assignable to type 'number'.",
      text: "src/App.tsx:2:9 - error TS2322: Type 'string' is not assignable to type 'number'.",
      file: 'src/App.tsx',
    };
    server.latest.emit('problems', {
      type: 'problems',
      source: 'checks',
      problems: [problem],
      projectId: PROJECT,
      seq: 2,
    });
    await eventually(() => text().includes('Checks and errors'), 'the problems strip');
    expect(text()).toContain('Type-check and build (1 error)');
    page().querySelector<HTMLDetailsElement>('details.problems')!.setAttribute('open', '');
    const ask = [...page().querySelectorAll<HTMLButtonElement>('details.problems button')].find(
      (button) => button.textContent?.includes('Ask Forge to fix it'),
    )!;
    expect(ask.disabled).toBe(false);
    ask.click();
    await eventually(() => server.count('generate') === 1, 'the fix request');
    const sent = server.commands.find((c) => c.name === 'generate')?.payload as {
      description: string;
    };
    expect(sent.description).toContain('Fix it');
    expect(sent.description).toContain('error TS2322');

    // Once the runner says they are gone, the strip goes.
    server.latest.emit('problems', {
      type: 'problems',
      source: 'checks',
      problems: [],
      projectId: PROJECT,
      seq: 3,
    });
    await eventually(() => !text().includes('Checks and errors'), 'the strip cleared');
  });

  it('sends the user to sign in when the socket says the session is gone', async () => {
    server.refuseHandshake = true;
    await open();
    await eventually(() => TestBed.inject(Router).url.startsWith('/sign-in'), 'the sign-in page');
    expect(TestBed.inject(Router).url).toBe(`/sign-in?returnUrl=%2Fproject%2F${PROJECT}`);
  });

  it('says so when the project does not exist', async () => {
    server.refuseJoin = {
      ok: false,
      error: { code: ErrorCode.ProjectNotFound, message: 'No such project.' },
    };
    await harness.navigateByUrl(`/project/${PROJECT}`);
    await render();
    http
      .expectOne(PROJECT_URL)
      .flush({ message: 'No such project.' }, { status: 404, statusText: 'Not Found' });
    http
      .expectOne((request) => request.url === `${PROJECT_URL}/messages`)
      .flush({ message: 'No such project.' }, { status: 404, statusText: 'Not Found' });
    http
      .expectOne(`${PROJECT_URL}/files`)
      .flush({ message: 'No such project.' }, { status: 404, statusText: 'Not Found' });
    await eventually(() => text().includes('Project not found'), 'the not-found page');
    expect(page().querySelector('[role="alert"]')).toBeNull();
  });

  it('opens the preview once a dev server runs, and loads it afresh on every start', async () => {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      state: 'STARTING_SERVER',
      files: [{ path: 'src/App.tsx', content: 'x' }],
    });
    await open();
    await eventually(() => text().includes('Starting the dev server…'), 'the waiting state');
    http.expectNone(`${PROJECT_URL}/preview`);

    const started = { type: 'server_started', phase: 1, projectId: PROJECT };
    server.latest.emit('server_started', { ...started, seq: 2 });
    (await requestTo(`${PROJECT_URL}/preview`)).flush({
      url: 'http://p1.preview.localhost:3004/?forge_preview_token=one',
    });
    await render();
    const frame = () =>
      page().querySelector<HTMLIFrameElement>('iframe[title="Preview of the app"]');
    expect(frame()?.src).toBe('http://p1.preview.localhost:3004/?forge_preview_token=one');
    const first = frame();

    server.latest.emit('server_started', { ...started, seq: 3 });
    (await requestTo(`${PROJECT_URL}/preview`)).flush({
      url: 'http://p1.preview.localhost:3004/?forge_preview_token=two',
    });
    await render();
    expect(frame()?.src).toBe('http://p1.preview.localhost:3004/?forge_preview_token=two');
    expect(frame()).not.toBe(first);
  });

  it('opens the preview by itself for an imported or remixed project: version 1, no phase', async () => {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      request: 0,
      version: 1,
      files: [{ path: 'src/App.tsx', content: 'x' }],
    });
    await open();
    (await requestTo(`${PROJECT_URL}/preview`)).flush({
      url: 'http://p1.preview.localhost:3004/?forge_preview_token=one',
    });
    await render();
    const frame = page().querySelector<HTMLIFrameElement>('iframe[title="Preview of the app"]');
    expect(frame?.src).toBe('http://p1.preview.localhost:3004/?forge_preview_token=one');
    expect(text()).not.toContain('Try again');
  });

  it('says no preview runs when the API answers 409', async () => {
    server.snapshot = (projectId, seq) => ({
      ...snapshotOf(projectId, seq),
      files: [{ path: 'src/App.tsx', content: 'x' }],
      phases: [
        {
          number: 1,
          request: 1,
          name: 'Layout',
          description: 'd',
          files: [],
          dependencies: [],
          lastPhase: true,
          status: 'done',
        },
      ],
    });
    await open();
    (await requestTo(`${PROJECT_URL}/preview`)).flush(
      { message: 'No dev server runs.' },
      { status: 409, statusText: 'Conflict' },
    );
    await render();
    expect(text()).toContain('No preview is running');
    expect(page().querySelector('iframe')).toBeNull();
  });

  it('shows a lost connection as a banner, and clears it once the page has its state again', async () => {
    await open();
    await eventually(() => server.count('join') === 1, 'the join');
    let release = () => {};
    server.handshakeGate = new Promise<void>((resolve) => (release = resolve));
    server.latest.conn.close();
    await eventually(() => text().includes('Connection lost. Reconnecting…'), 'the banner');

    release();
    await eventually(() => server.count('join') === 2, 'the second join');
    await eventually(() => !text().includes('Connection lost'), 'the banner to clear');
  });
});
