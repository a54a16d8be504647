/**
 * The versions sheet on the real workspace page: REST through Angular's testing backend, the
 * rollback over a real Socket.IO server (see testing/workspace-page.ts).
 *
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { type VersionDiff, type VersionSummary } from '@forge/protocol/agent/versions';
import { ErrorCode } from '@forge/protocol/errors';
import { PROJECT, PROJECT_URL, WorkspacePage } from '../testing/workspace-page';
import { VersionsPanelComponent } from './versions-panel.component';

const NOW = new Date().toISOString();
const VERSIONS: VersionSummary[] = [
  { number: 3, reason: 'edit', label: 'Edited src/App.tsx', createdAt: NOW, fileCount: 12 },
  { number: 2, reason: 'fix', label: 'Fixed 1 type error', createdAt: NOW, fileCount: 12 },
  { number: 1, reason: 'phase', label: 'Phase 1: Layout', createdAt: NOW, fileCount: 11 },
];
const EDIT_DIFF: VersionDiff = {
  number: 3,
  against: 2,
  files: [
    {
      path: 'src/App.tsx',
      status: 'changed',
      diff: [
        '--- a/src/App.tsx',
        '+++ b/src/App.tsx',
        '@@ -1,3 +1,3 @@',
        ' export default function App() {',
        '-  return <h1>Todo list</h1>;',
        '+  return <h1>My todos</h1>;',
        ' }',
        '',
      ].join('\n'),
    },
  ],
};

describe(VersionsPanelComponent.name, () => {
  let page: WorkspacePage;

  beforeEach(async () => {
    page = await WorkspacePage.start();
  });

  afterEach(async () => {
    await page.close();
  });

  const sheet = () => page.query<HTMLDialogElement>('forge-versions-panel dialog.sheet');
  const confirm = () =>
    page.query<HTMLDialogElement>('forge-versions-panel forge-confirm-dialog dialog')!;
  const restoreButton = () => page.button('Restore this version', sheet()!)!;

  /** Opens the sheet and answers its list, and the diff of the newest version it shows first. */
  async function openVersions(): Promise<void> {
    page.button('Versions')!.click();
    (await page.requestTo(`${PROJECT_URL}/versions`)).flush({ versions: VERSIONS });
    (await page.requestTo(`${PROJECT_URL}/versions/3/diff`)).flush(EDIT_DIFF);
    await page.eventually(() => sheet()?.querySelector('.diff') !== null, 'the diff');
  }

  it('lists the versions and shows the newest one as a coloured diff', async () => {
    page.serve({ state: 'COMPLETE' });
    await page.open();
    await openVersions();

    const rows = [...sheet()!.querySelectorAll('.version')].map((row) =>
      ['.number', '.label', '.meta'].map((part) =>
        row.querySelector(part)!.textContent!.replace(/\s+/g, ' ').trim(),
      ),
    );
    expect(rows).toEqual([
      ['Version 3', 'Edited src/App.tsx', 'Your edit · just now · 12 files'],
      ['Version 2', 'Fixed 1 type error', 'Fix · just now · 12 files'],
      ['Version 1', 'Phase 1: Layout', 'Phase · just now · 11 files'],
    ]);
    expect(sheet()!.querySelector('.latest')?.closest('.version')?.textContent).toContain(
      'Version 3',
    );
    expect(sheet()!.querySelector('.version[aria-current="true"]')?.textContent).toContain(
      'Version 3',
    );
    expect(page.text()).toContain('Changes since version 2.');
    const file = sheet()!.querySelector('.file[data-path="src/App.tsx"]')!;
    expect(
      ['.status', '.path', '.plus', '.minus'].map(
        (part) => file.querySelector(`.file-head ${part}`)?.textContent,
      ),
    ).toEqual(['changed', 'src/App.tsx', '+1', '−1']);
    const lines = [...file.querySelectorAll('.line')].map((line) => [
      line.getAttribute('data-kind'),
      line.querySelector('.text')?.textContent,
    ]);
    expect(lines).toEqual([
      ['hunk', '@@ -1,3 +1,3 @@'],
      ['context', 'export default function App() {'],
      ['removed', '  return <h1>Todo list</h1>;'],
      ['added', '  return <h1>My todos</h1>;'],
      ['context', '}'],
    ]);

    // Another version's changes, on a click.
    page.button('Version 1', sheet()!)!.click();
    (await page.requestTo(`${PROJECT_URL}/versions/1/diff`)).flush({
      number: 1,
      against: null,
      files: [{ path: 'index.html', status: 'added', diff: '@@ -0,0 +1 @@\n+<div></div>\n' }],
    });
    await page.eventually(
      () => page.text().includes('The first version: every file is new.'),
      'the first version',
    );
  });

  it('loads the list again when a version is made', async () => {
    page.serve({ seq: 5, state: 'COMPLETE' });
    await page.open();
    await openVersions();
    page.emit(6, {
      type: 'version_created',
      number: 4,
      label: 'Restored version 1',
      reason: 'rollback',
      createdAt: NOW,
    });
    // The project served has no phase: its first version seen is an app the preview now shows.
    await page.answerPreview();
    const restored = { ...VERSIONS[2], number: 4, reason: 'rollback', label: 'Restored version 1' };
    (await page.requestTo(`${PROJECT_URL}/versions`)).flush({ versions: [restored, ...VERSIONS] });
    await page.eventually(() => page.text().includes('Restored version 1'), 'the new version');
    expect(sheet()!.querySelectorAll('.version')).toHaveLength(4);
  });

  it('loads the list again for each version made while it is open', async () => {
    page.serve({ seq: 5, state: 'COMPLETE' });
    await page.open();
    await openVersions();
    for (const [seq, number] of [
      [6, 4],
      [7, 5],
    ]) {
      const label = `Edited src/App.tsx, ${number}`;
      page.emit(seq, { type: 'version_created', number, label, reason: 'edit', createdAt: NOW });
      const made: VersionSummary = { ...VERSIONS[0], number, label };
      (await page.requestTo(`${PROJECT_URL}/versions`)).flush({ versions: [made, ...VERSIONS] });
      await page.eventually(() => page.text().includes(label), `version ${number}`);
    }
    // The project served has no phase: its first version seen is an app to preview (once).
    await page.answerPreview();
  });

  it('restores a version after a confirmation, with the rollback command', async () => {
    page.serve({ state: 'COMPLETE' });
    await page.open();
    await openVersions();
    page.button('Version 2', sheet()!)!.click();
    (await page.requestTo(`${PROJECT_URL}/versions/2/diff`)).flush({ ...EDIT_DIFF, number: 2 });
    await page.render();

    restoreButton().click();
    await page.render();
    expect(confirm().open).toBe(true);
    expect(confirm().textContent).toContain('Restore version 2?');
    // No: nothing is sent.
    page.button('Cancel', confirm())!.click();
    await page.render();
    expect(page.server.count('rollback')).toBe(0);

    restoreButton().click();
    await page.render();
    page.button('Restore', confirm())!.click();
    await page.eventually(() => page.server.count('rollback') === 1, 'the rollback command');
    expect(page.server.commands.find((command) => command.name === 'rollback')?.payload).toEqual({
      projectId: PROJECT,
      version: 2,
    });
    await page.eventually(() => page.text().includes('Restored version 2.'), 'the result');
  });

  it('says, before restoring an app with a database, that its data and schema stay', async () => {
    page.serve({
      state: 'COMPLETE',
      files: [
        { path: 'db/migrations/001-create-entries.sql', content: 'CREATE TABLE entries ();' },
      ],
    });
    await page.open();
    await openVersions();
    page.button('Version 2', sheet()!)!.click();
    (await page.requestTo(`${PROJECT_URL}/versions/2/diff`)).flush({ ...EDIT_DIFF, number: 2 });
    await page.render();
    restoreButton().click();
    await page.render();
    expect(confirm().textContent).toContain(
      "The app's database is not restored: its tables and rows stay as they are, and migrations applied since version 2 stay applied.",
    );
  });

  it('shows a refused rollback in the sheet', async () => {
    page.serve({ state: 'COMPLETE' });
    await page.open();
    await openVersions();
    page.server.answer = {
      ok: false,
      error: { code: ErrorCode.GenerationRunning, message: 'A generation is running.' },
    };
    restoreButton().click();
    await page.render();
    page.button('Restore', confirm())!.click();
    await page.eventually(() => sheet()!.querySelector('[role="alert"]') !== null, 'the refusal');
    expect(sheet()!.querySelector('[role="alert"]')?.textContent).toContain(
      'Not restored: A generation is running.',
    );
  });

  it('does not restore while the agent works, and says why', async () => {
    page.serve({ state: 'IMPLEMENTING_PHASE' });
    await page.open();
    await openVersions();
    expect(restoreButton().disabled).toBe(true);
    expect(page.text()).toContain(
      'The agent is working (Writing code): restore a version once it is done.',
    );
    restoreButton().click();
    await page.render();
    expect(confirm().open).toBe(false);
  });
});
