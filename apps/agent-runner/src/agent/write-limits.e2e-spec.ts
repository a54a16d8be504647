import { WORKSPACE_LIMITS } from '@forge/sandbox';
import { createScriptedLlmServer } from '@forge/scripted-llm';
import { processSandboxes } from '../../../../test/support/process-sandboxes';
import { type TestDatabase, useTestDatabase } from '../../../../test/support/test-database';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import {
  agentRow,
  createProject,
  type RunnerTestApp,
  savedFiles,
  startRunnerTestApp,
  waitForEvent,
  withScriptedRunner,
} from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';

// The process sandbox prepares its template (bun install) on first use.
jest.setTimeout(180_000);

const APP = { 'src/App.tsx': 'export default function App() {\n  return <h1>Hi</h1>;\n}\n' };

function problems(runner: RunnerTestApp, projectId: string) {
  return runner.events.flatMap((e) => (e.projectId === projectId && e.type === 'error' ? [e] : []));
}

/** Stores `count` small files and one file over the sandbox's maxFileBytes, as older limits allowed. */
async function storeBigProject(db: TestDatabase, projectId: string, count: number) {
  await db.query(
    `INSERT INTO generated_files (project_id, path, content, phase)
     SELECT $1, 'src/gen/f' || lpad(n::text, 4, '0') || '.ts', 'export const n = ' || n || E';\\n', 1
     FROM generate_series(1, $2) AS n`,
    [projectId, count],
  );
  const huge = `export const s = "${'€'.repeat(Math.ceil(WORKSPACE_LIMITS.maxFileBytes / 3) + 10)}";\n`;
  await db.query(
    `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, 'src/huge.ts', $2, 1)`,
    [projectId, huge],
  );
}

describe('write limits (e2e)', () => {
  const db = useTestDatabase();

  it('refuses a file over AGENT_FILE_MAX_BYTES before it is stored, and the generation goes on', async () => {
    // Under the limit in characters, over it in UTF-8 bytes: only a byte count catches it.
    const wide = `export const s = "${'€'.repeat(1_400)}";\n`;
    const long = `export const s = "${'x'.repeat(4_000)}";\n`;
    const answer = scofAnswer({ 'src/wide.ts': wide, 'src/long.ts': long, ...APP });
    await withScriptedRunner(
      db,
      {
        replies: [designAnswer(['src/wide.ts', 'src/long.ts', ...Object.keys(APP)]), answer],
        chunkSize: 200,
        env: { AGENT_FILE_MAX_BYTES: '3000' },
      },
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(await savedFiles(db, projectId)).toEqual(APP);
        const errors = problems(runner, projectId);
        expect(errors.every((e) => !e.fatal)).toBe(true);
        expect(errors).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              code: 'FILE_TOO_LARGE',
              message: expect.stringMatching(
                /^src\/wide\.ts is \d+ bytes; the limit \(AGENT_FILE_MAX_BYTES\) is 3000/,
              ),
            }),
            expect.objectContaining({
              code: 'SCOF_FILE_TOO_LARGE',
              message: expect.stringContaining('(AGENT_FILE_MAX_BYTES) of 3000'),
            }),
          ]),
        );
        expect(await agentRow(db, projectId)).toMatchObject({ state: 'COMPLETE', error: null });
      },
    );
  });

  it('refuses blocks past AGENT_ANSWER_MAX_FILES and sums up refusals past AGENT_ANSWER_ERRORS_SHOWN', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`src/f${i}.ts`, `export const n = ${i};\n`]),
    );
    await withScriptedRunner(
      db,
      {
        replies: [designAnswer(Object.keys(files)), scofAnswer(files)],
        chunkSize: 500,
        env: { AGENT_ANSWER_MAX_FILES: '10', AGENT_ANSWER_ERRORS_SHOWN: '3' },
      },
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'Forty files');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(Object.keys(await savedFiles(db, projectId))).toHaveLength(10);
        const errors = problems(runner, projectId);
        expect(errors.map((e) => e.code)).toEqual([
          'SCOF_TOO_MANY_FILES',
          'SCOF_TOO_MANY_FILES',
          'SCOF_TOO_MANY_FILES',
          'MORE_REFUSED',
        ]);
        expect(errors[0]!.message).toContain('(AGENT_ANSWER_MAX_FILES) of 10');
        expect(errors[3]!.message).toBe(
          '27 more blocks were refused in this answer (only the first 3 are reported one by one: AGENT_ANSWER_ERRORS_SHOWN=3)',
        );
      },
    );
  });

  it('takes a follow-up request on a project holding 901 files and a file over the limits', async () => {
    await withScriptedRunner(
      db,
      { replies: [designAnswer(Object.keys(APP)), scofAnswer(APP)], chunkSize: 200 },
      async (runner, _llm, projectId) => {
        await storeBigProject(db, projectId, 901);
        await runner.supervisor.generate(projectId, 'Add a title');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(problems(runner, projectId)).toEqual([]);
        expect(Object.keys(await savedFiles(db, projectId))).toHaveLength(903);
      },
    );
  });

  it('opens the sandbox of a project holding 901 files and a file over maxFileBytes', async () => {
    const sandboxes = processSandboxes('forge-write-limits-');
    const llm = await createScriptedLlmServer({ replies: [] });
    const runner = await startRunnerTestApp(db, llm.url, sandboxes.env);
    try {
      const projectId = await createProject(db);
      await storeBigProject(db, projectId, 901);
      const sandbox = (await runner.app.get(SandboxSessions).open(projectId))!;
      expect(await sandbox.readFile('src/gen/f0001.ts')).toBe('export const n = 1;\n');
      expect(await sandbox.readFile('src/gen/f0901.ts')).toBe('export const n = 901;\n');
      expect(await sandbox.readFile('src/huge.ts')).toBeNull();
    } finally {
      await runner.close();
      await llm.close();
      sandboxes.remove();
    }
  });
});
