import { type ScriptedReply } from '@forge/scripted-llm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import {
  agentRow,
  type RunnerTestApp,
  savedFiles,
  waitForEvent,
  withScriptedRunner,
} from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';
import { AgentCommandError } from './agent-command-error';

const LIST = Array.from({ length: 12 }, (_, i) => `  <li>Item ${i + 1}</li>\n`).join('');
const APP = {
  'src/App.tsx': `import { title } from './title';\n\nexport default function App() {\n  return (\n    <main>\n      <h1>{title}</h1>\n      <ul>\n${LIST}      </ul>\n    </main>\n  );\n}\n`,
  'src/title.ts': "export const title = 'Shopping list';\n",
  'src/keep.ts': 'export function untouched() {\n  return "as it was";\n}\n',
};

/** A diff changing the heading's markup in src/App.tsx, matched by its context lines. */
const APP_PATCH = `--- a/src/App.tsx
+++ b/src/App.tsx
@@ -4,3 +4,3 @@
   return (
     <main>
-      <h1>{title}</h1>
+      <h1 className="text-2xl font-bold">{title}</h1>
`;

/** One runner per test, against an LLM that answers `replies` in order. */
async function withRunner(
  db: TestDatabase,
  replies: ScriptedReply[],
  env: Record<string, string>,
  test: (
    runner: RunnerTestApp,
    llm: { requests: readonly { messages: unknown[] }[] },
    projectId: string,
  ) => Promise<void>,
) {
  await withScriptedRunner(db, { replies, chunkSize: 32, env }, test);
}

function promptOf(request: { messages: unknown[] }): string {
  return request.messages.map((m) => String((m as { content: unknown }).content)).join('\n');
}

async function versions(db: TestDatabase, projectId: string) {
  return db.query<{ number: number; reason: string; label: string; files: { path: string }[] }>(
    `SELECT number, reason, label, files FROM versions WHERE project_id = $1 ORDER BY number`,
    [projectId],
  );
}

async function refusal(work: Promise<unknown>): Promise<AgentCommandError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof AgentCommandError)) {
    throw new Error(`expected a refusal, got ${error}`);
  }
  return error;
}

describe('iterating on an app (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('plans a follow-up as one phase that patches one file and rewrites another, with the code as context', async () => {
    const followUp = designAnswer(['src/App.tsx', 'src/title.ts'], {
      name: 'Bigger title',
      description: 'Make the title bigger and rename the list.',
      blueprint: undefined,
    });
    await withRunner(
      db,
      [
        designAnswer(Object.keys(APP)),
        scofAnswer(APP),
        followUp,
        `# the heading grows\ncat << 'EOF' | patch src/App.tsx\n${APP_PATCH}EOF\n` +
          scofAnswer({ 'src/title.ts': "export const title = 'Groceries';\n" }),
      ],
      { AGENT_PATCH_PREFERRED_LINES: '10' },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A shopping list');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        await runner.supervisor.settled(projectId);
        const before = runner.events.length;

        await runner.supervisor.generate(projectId, 'Make the title bigger and call it Groceries');
        await waitForEvent(
          runner.events,
          projectId,
          'generation_complete',
          (e) => runner.events.indexOf(e) >= before,
        );
        await runner.supervisor.settled(projectId);

        const files = await savedFiles(db, projectId);
        expect(files['src/App.tsx']).toBe(
          APP['src/App.tsx'].replace('<h1>', '<h1 className="text-2xl font-bold">'),
        );
        expect(files['src/title.ts']).toBe("export const title = 'Groceries';\n");
        expect(files['src/keep.ts']).toBe(APP['src/keep.ts']);

        // One phase for the change; the code model saw the touched files whole, marked for a
        // patch when long, and the rest only listed with a summary.
        const row = await agentRow(db, projectId);
        expect((row.phases as { request: number }[]).filter((p) => p.request === 2)).toHaveLength(
          1,
        );
        const code = promptOf(llm.requests[3]!);
        expect(code).toContain('### src/App.tsx (23 lines: change it with a patch');
        expect(code).toContain("export const title = 'Shopping list';");
        expect(code).toContain('- src/keep.ts');
        expect(code).not.toContain('return "as it was"');
        const design = promptOf(llm.requests[2]!);
        expect(design).toContain('- src/App.tsx');

        expect((await versions(db, projectId)).map((v) => [v.number, v.reason])).toEqual([
          [1, 'phase'],
          [2, 'phase'],
        ]);
        const announced = runner.events.filter(
          (e) => e.projectId === projectId && e.type === 'version_created',
        );
        expect(announced.map((e) => e.type === 'version_created' && e.number)).toEqual([1, 2]);
      },
    );
  });

  it('saves an edit as a version, rolls back to an earlier one, and refuses both while generating', async () => {
    await withRunner(
      db,
      [
        designAnswer(Object.keys(APP)),
        scofAnswer(APP),
        designAnswer(['src/title.ts'], { blueprint: undefined }),
        { fault: 'stall', text: scofAnswer({ 'src/title.ts': "export const title = 'x';\n" }) },
      ],
      {},
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A shopping list');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        await runner.supervisor.settled(projectId);

        const edited = "export const title = 'My list';\n";
        expect(await runner.supervisor.saveFile(projectId, 'src/title.ts', edited)).toBe(2);
        expect((await savedFiles(db, projectId))['src/title.ts']).toBe(edited);
        const end = await waitForEvent(
          runner.events,
          projectId,
          'file_end',
          (e) => e.content === edited,
        );
        const created = await waitForEvent(
          runner.events,
          projectId,
          'version_created',
          (e) => e.number === 2,
        );
        expect(created).toMatchObject({ reason: 'edit', label: 'Edited src/title.ts' });
        expect(created.seq).toBeGreaterThan(end.seq);
        // Saving the same content again makes no new version.
        expect(await runner.supervisor.saveFile(projectId, 'src/title.ts', edited)).toBe(2);
        // A new file from the editor is a file like any other.
        expect(await runner.supervisor.saveFile(projectId, 'src/notes.md', '# Notes\n')).toBe(3);

        expect(await runner.supervisor.rollback(projectId, 1)).toBe(4);
        expect(await savedFiles(db, projectId)).toEqual(APP);
        await waitForEvent(
          runner.events,
          projectId,
          'file_deleted',
          (e) => e.path === 'src/notes.md',
        );
        await waitForEvent(
          runner.events,
          projectId,
          'file_end',
          (e) =>
            e.path === 'src/title.ts' && e.content === APP['src/title.ts'] && e.seq > created.seq,
        );
        const all = await versions(db, projectId);
        expect(all.map((v) => [v.number, v.reason, v.label])).toEqual([
          [1, 'phase', 'Phase 1: Everything'],
          [2, 'edit', 'Edited src/title.ts'],
          [3, 'edit', 'Edited src/notes.md'],
          [4, 'rollback', 'Restored version 1'],
        ]);

        expect((await refusal(runner.supervisor.rollback(projectId, 99))).code).toBe(
          'VERSION_NOT_FOUND',
        );
        expect(
          (await refusal(runner.supervisor.saveFile(projectId, '../etc/passwd', 'x'))).code,
        ).toBe('INVALID_PATH');
        expect(
          (await refusal(runner.supervisor.saveFile(projectId, 'src/big.ts', 'x'.repeat(600_000))))
            .message,
        ).toContain('EDIT_FILE_MAX_BYTES');

        // While a generation runs, edits and rollbacks are refused and nothing changes.
        await runner.supervisor.generate(projectId, 'Rename it');
        await waitForEvent(
          runner.events,
          projectId,
          'file_start',
          (e) => e.path === 'src/title.ts',
        );
        const busy = await refusal(runner.supervisor.saveFile(projectId, 'src/title.ts', 'oops'));
        expect(busy.code).toBe('GENERATION_RUNNING');
        expect((await refusal(runner.supervisor.rollback(projectId, 2))).code).toBe(
          'GENERATION_RUNNING',
        );
        expect(await savedFiles(db, projectId)).toEqual(APP);
        await runner.supervisor.cancel(projectId);
      },
    );
  });
});
