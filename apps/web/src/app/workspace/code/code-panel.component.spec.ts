/**
 * Editing in the Code tab, on the real workspace page against a real Socket.IO server (see
 * testing/workspace-page.ts); the socket client runs as in Node.
 *
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { EditorView } from '@codemirror/view';
import { type AgentState } from '@forge/protocol/agent/agent-state';
import { ErrorCode } from '@forge/protocol/errors';
import { PROJECT, PROJECT_URL, WorkspacePage } from '../testing/workspace-page';
import { CodePanelComponent } from './code-panel.component';

const APP = 'export default function App() {\n  return <h1>Todo list</h1>;\n}\n';
const EDITED = APP.replace('Todo list', 'My todos');

/** jsdom lays nothing out; CodeMirror measures text ranges, which may all be empty here. */
function stubRangeLayout(): void {
  const empty = { x: 0, y: 0, width: 0, height: 0, top: 0, right: 0, bottom: 0, left: 0 };
  Range.prototype.getClientRects ??= () => Object.assign([], { item: () => null }) as DOMRectList;
  Range.prototype.getBoundingClientRect ??= () => ({ ...empty, toJSON: () => empty });
}

describe(CodePanelComponent.name, () => {
  let page: WorkspacePage;

  beforeAll(stubRangeLayout);

  beforeEach(async () => {
    page = await WorkspacePage.start();
  });

  afterEach(async () => {
    await page.close();
  });

  /** Opens the workspace on a project in `state` and shows src/App.tsx in the Code tab. */
  async function openCode(state: AgentState): Promise<void> {
    page.serve({
      seq: 10,
      state,
      files: [
        { path: 'src/App.tsx', content: APP },
        { path: 'src/main.tsx', content: 'import App from "./App";\n' },
      ],
    });
    await page.open();
    page.query('[role="tab"][data-tab="code"]')!.click();
    await page.eventually(
      () => editor()?.state.doc.toString() === APP,
      'src/App.tsx in the editor',
    );
  }

  function editor(): EditorView | null {
    const element = page.query('.cm-editor');
    return element ? EditorView.findFromDOM(element) : null;
  }

  /** Types as the user does: a change CodeMirror reports as input. */
  function type(from: string, to: string): void {
    const view = editor()!;
    const start = view.state.doc.toString().indexOf(from);
    view.dispatch({
      changes: { from: start, to: start + from.length, insert: to },
      userEvent: 'input.type',
    });
  }

  function pressCtrlS(): KeyboardEvent {
    const event = new KeyboardEvent('keydown', {
      key: 's',
      ctrlKey: true,
      bubbles: true,
      cancelable: true,
    });
    page.query('.cm-content')!.dispatchEvent(event);
    return event;
  }

  const readOnly = () => editor()!.state.readOnly;
  const saveButton = () => page.button('Save', page.query('.file-header')!)!;
  const unsavedMarks = () => page.element.querySelectorAll('.unsaved-dot, .dot.unsaved, .tab-dot');

  it('shows the starter files the project did not rewrite, marked and read-only', async () => {
    await openCode('COMPLETE');
    const starter = await page.requestTo(`${PROJECT_URL}/starter-files`);
    starter.flush({
      files: [
        { path: 'index.html', size: 30, content: '<div id="root"></div>\n' },
        { path: 'package.json', size: 20, content: '{ "name": "todo-app" }\n' },
        // Rewritten by the agent since it was asked for: the project's own copy is shown.
        { path: 'src/main.tsx', size: 9, content: 'template\n' },
      ],
    });
    await page.eventually(
      () => page.query('[role="treeitem"][data-path="package.json"]') !== null,
      'package.json in the tree',
    );
    const marked = [...page.element.querySelectorAll('[role="treeitem"].starter')].map((row) =>
      row.getAttribute('data-path'),
    );
    expect(marked).toEqual(['index.html', 'package.json']);

    page.query<HTMLElement>('[role="treeitem"][data-path="package.json"]')!.click();
    await page.eventually(
      () => editor()?.state.doc.toString() === '{ "name": "todo-app" }\n',
      'package.json in the editor',
    );
    expect(readOnly()).toBe(true);
    expect(page.text()).toContain('From the starter template, unchanged.');
  }, 30_000);

  it('opens a file by a loose part of its path with Ctrl+P', async () => {
    await openCode('COMPLETE');
    const event = new KeyboardEvent('keydown', {
      key: 'p',
      ctrlKey: true,
      bubbles: true,
      cancelable: true,
    });
    page.query('.cm-content')!.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await page.render();
    const field = page.query<HTMLInputElement>('#quick-open-field')!;
    expect(page.query('dialog.quick-open')?.hasAttribute('open')).toBe(true);
    field.value = 'mntsx';
    field.dispatchEvent(new Event('input'));
    await page.render();
    const options = [...page.element.querySelectorAll('[role="option"]')].map((option) =>
      option.getAttribute('data-path'),
    );
    expect(options).toEqual(['src/main.tsx']);
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await page.eventually(
      () => editor()?.state.doc.toString() === 'import App from "./App";\n',
      'src/main.tsx in the editor',
    );
    expect(page.query('dialog.quick-open')?.hasAttribute('open')).toBe(false);
  }, 30_000);

  it('is read-only while the agent works and editable once it is done', async () => {
    await openCode('IMPLEMENTING_PHASE');
    expect(readOnly()).toBe(true);
    expect(page.query('.cm-content')?.getAttribute('aria-label')).toBe(
      'Code of src/App.tsx (read-only)',
    );
    expect(page.text()).toContain('Read-only while the agent works.');
    expect(saveButton().disabled).toBe(true);

    page.emit(11, { type: 'state_change', state: 'COMPLETE', previous: 'STARTING_SERVER' });
    await page.eventually(() => !readOnly(), 'the editor to become editable');
    expect(page.query('.cm-content')?.getAttribute('aria-label')).toBe('Code of src/App.tsx');
    expect(page.text()).not.toContain('Read-only while the agent works.');
  });

  it('saves on Ctrl+S, then says which version the save made', async () => {
    await openCode('COMPLETE');
    expect(readOnly()).toBe(false);
    type('Todo list', 'My todos');
    await page.render();
    // A dot on the file's header, its row in the tree and the Code tab.
    expect(unsavedMarks()).toHaveLength(3);
    expect(saveButton().disabled).toBe(false);

    expect(pressCtrlS().defaultPrevented).toBe(true);
    await page.eventually(() => page.server.count('save_file') === 1, 'the save_file command');
    expect(page.server.commands.find((command) => command.name === 'save_file')?.payload).toEqual({
      projectId: PROJECT,
      path: 'src/App.tsx',
      content: EDITED,
    });

    // The server's answer to a save: the saved file, then the version it made.
    page.emit(11, { type: 'file_end', path: 'src/App.tsx', content: EDITED, phase: 1 });
    page.emit(12, {
      type: 'version_created',
      number: 4,
      label: 'Edited src/App.tsx',
      reason: 'edit',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await page.eventually(() => page.text().includes('Saved — version 4'), 'the saved version');
    // The project served has no phase: the version the save made is an app to preview.
    await page.answerPreview();
    expect(unsavedMarks()).toHaveLength(0);
    expect(editor()!.state.doc.toString()).toBe(EDITED);
    expect(saveButton().disabled).toBe(true);
  });

  it('shows a refused save where it happened and keeps the edit', async () => {
    await openCode('COMPLETE');
    page.server.answer = {
      ok: false,
      error: { code: ErrorCode.GenerationRunning, message: 'A generation is running.' },
    };
    type('Todo list', 'My todos');
    await page.render();
    saveButton().click();
    await page.eventually(() => page.query('.file [role="alert"]') !== null, 'the refusal');
    expect(page.query('.file [role="alert"]')?.textContent).toContain(
      'Not saved: the agent is writing the app. Your changes are still in the editor.',
    );
    expect(editor()!.state.doc.toString()).toBe(EDITED);
    expect(unsavedMarks()).toHaveLength(3);
  });

  it('keeps unsaved text while the agent writes, then offers a choice when the file changed', async () => {
    await openCode('COMPLETE');
    type('Todo list', 'My todos');
    page.emit(11, { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'COMPLETE' });
    await page.eventually(() => readOnly(), 'the editor to become read-only');
    expect(page.text()).toContain(
      'The agent is working: this file is read-only until it is done. Your unsaved changes are kept.',
    );

    const AGENTS = APP.replace('Todo list', 'Todo list, by the agent');
    page.emit(12, {
      type: 'state_change',
      state: 'IMPLEMENTING_PHASE',
      previous: 'DESIGNING_PHASE',
    });
    page.emit(13, { type: 'file_start', path: 'src/App.tsx', phase: 2 });
    page.emit(14, { type: 'file_chunk', path: 'src/App.tsx', chunk: AGENTS });
    page.emit(15, { type: 'file_end', path: 'src/App.tsx', content: AGENTS, phase: 2 });
    page.emit(16, { type: 'state_change', state: 'COMPLETE', previous: 'IMPLEMENTING_PHASE' });
    await page.eventually(
      () => page.text().includes('This file changed while you were editing it.'),
      'the choice',
    );
    // Nothing the user typed was lost.
    expect(editor()!.state.doc.toString()).toBe(EDITED);
    expect(readOnly()).toBe(false);

    page.button('Keep mine')!.click();
    await page.render();
    expect(page.text()).not.toContain('This file changed while you were editing it.');
    saveButton().click();
    await page.eventually(() => page.server.count('save_file') === 1, 'the save_file command');
    expect(page.server.commands.find((command) => command.name === 'save_file')?.payload).toEqual({
      projectId: PROJECT,
      path: 'src/App.tsx',
      content: EDITED,
    });
  });

  it('takes the new file when the user says so', async () => {
    await openCode('COMPLETE');
    type('Todo list', 'My todos');
    const AGENTS = APP.replace('Todo list', 'Todo list, restored');
    page.emit(11, { type: 'file_end', path: 'src/App.tsx', content: AGENTS, phase: 0 });
    await page.eventually(() => page.button('Take the new one') !== null, 'the choice');
    page.button('Take the new one')!.click();
    await page.eventually(() => editor()!.state.doc.toString() === AGENTS, 'the new text');
    expect(unsavedMarks()).toHaveLength(0);
  });

  it('asks before another file replaces unsaved changes', async () => {
    await openCode('COMPLETE');
    type('Todo list', 'My todos');
    await page.render();
    const mainRow = () => page.query('[role="treeitem"][data-path="src/main.tsx"]')!;
    const dialog = () =>
      page.query<HTMLDialogElement>('forge-code-panel forge-confirm-dialog dialog')!;

    // The file being edited is open already: nothing to ask, nothing lost.
    page.query('[role="treeitem"][data-path="src/App.tsx"]')!.click();
    await page.render();
    expect(dialog().open).toBe(false);
    expect(editor()!.state.doc.toString()).toBe(EDITED);

    mainRow().click();
    await page.render();
    expect(dialog().open).toBe(true);
    expect(dialog().textContent).toContain('Your unsaved changes to src/App.tsx will be lost.');
    page.button('Keep editing', dialog())!.click();
    await page.render();
    expect(editor()!.state.doc.toString()).toBe(EDITED);

    mainRow().click();
    await page.render();
    page.button('Discard changes', dialog())!.click();
    await page.eventually(
      () => editor()!.state.doc.toString() === 'import App from "./App";\n',
      'src/main.tsx in the editor',
    );
    expect(unsavedMarks()).toHaveLength(0);
  });
});
