import { useTestDatabase } from '../../../../test/support/test-database';
import { agentRow, waitForEvent, withScriptedRunner } from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';

const APP = { 'src/App.tsx': 'export default function App() {\n  return <h1>Hi</h1>;\n}\n' };

describe('LLM faults in a generation (e2e)', () => {
  const db = useTestDatabase();

  it('retries a stream that ends without finish_reason and completes', async () => {
    await withScriptedRunner(
      db,
      {
        replies: [
          designAnswer(Object.keys(APP)),
          { text: scofAnswer(APP), finishReason: null },
          scofAnswer(APP),
        ],
        chunkSize: 16,
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(llm.requests).toHaveLength(3);
        const logs = runner.events.flatMap((e) =>
          e.projectId === projectId && e.type === 'log' ? [e.text] : [],
        );
        expect(logs.some((text) => /ended before the answer did/.test(text))).toBe(true);
      },
    );
  });

  it('ends with LLM_TRUNCATED when every stream ends without finish_reason', async () => {
    const cut = { text: scofAnswer(APP), finishReason: null } as const;
    await withScriptedRunner(
      db,
      {
        replies: [designAnswer(Object.keys(APP)), cut, cut, cut],
        chunkSize: 16,
        env: { LLM_MAX_RETRIES: '2' },
      },
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        const error = await waitForEvent(runner.events, projectId, 'error', (e) => e.fatal);
        expect(error).toMatchObject({
          code: 'LLM_TRUNCATED',
          message: expect.stringContaining('ended before the answer did'),
        });
        await runner.supervisor.settled(projectId);
        expect(await agentRow(db, projectId)).toMatchObject({
          state: 'IDLE',
          error: { code: 'LLM_TRUNCATED' },
        });
        const said = runner.events.flatMap((e) =>
          e.projectId === projectId && e.type === 'message' ? [e.content] : [],
        );
        expect(said.some((text) => text.includes('ended before the answer did'))).toBe(true);
      },
    );
  });

  it('waits out a 429’s Retry-After longer than LLM_RETRY_MAX_DELAY_MS and tells the user', async () => {
    await withScriptedRunner(
      db,
      {
        replies: [
          { fault: 'http', status: 429, retryAfterSeconds: 1 },
          designAnswer(Object.keys(APP)),
          scofAnswer(APP),
        ],
        chunkSize: 16,
        env: { LLM_RETRY_MAX_DELAY_MS: '50' },
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(llm.requests.map((r) => r.outcome)).toEqual([
          'http-error',
          'completed',
          'completed',
        ]);
        const logs = runner.events.flatMap((e) =>
          e.projectId === projectId && e.type === 'log' ? [e.text] : [],
        );
        expect(logs).toContainEqual(expect.stringMatching(/^Waiting for the provider, 1 s/));
      },
    );
  });

  it('fails at once with LLM_RATE_LIMITED when Retry-After ends past LLM_CALL_TIMEOUT_MS', async () => {
    await withScriptedRunner(
      db,
      {
        replies: [{ fault: 'http', status: 429, retryAfterSeconds: 60 }, designAnswer(['x'])],
        chunkSize: 16,
        env: { LLM_CALL_TIMEOUT_MS: '5000' },
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A hello app');
        const error = await waitForEvent(runner.events, projectId, 'error', (e) => e.fatal);
        expect(error).toMatchObject({
          code: 'LLM_RATE_LIMITED',
          message: expect.stringContaining(
            "the provider asked to wait 60 s (Retry-After), past this call's deadline (LLM_CALL_TIMEOUT_MS=5000)",
          ),
        });
        await runner.supervisor.settled(projectId);
        expect(llm.requests).toHaveLength(1);
        expect(await agentRow(db, projectId)).toMatchObject({
          state: 'IDLE',
          error: { code: 'LLM_RATE_LIMITED' },
        });
      },
    );
  });
});
