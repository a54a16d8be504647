import { DEMO_APPS } from '@forge/scripted-llm';
import { applyScof } from '../testing/apply-scof';
import { demoLlm, DEMO_MODEL_ENV } from '../testing/demo-llm';
import { useRunnerStack } from '../testing/runner-stack';
import { agentRow, createProject, savedFiles, waitForEvent } from '../testing/runner-test-app';

describe('generating an app (e2e)', () => {
  const stack = useRunnerStack({ llm: demoLlm({ chunkSize: 40 }), env: DEMO_MODEL_ENV });

  it('goes from a prompt through every phase to COMPLETE with the recorded files', async () => {
    const { db, runner } = stack();
    const projectId = await createProject(db);
    await runner.supervisor.generate(projectId, 'A todo list where I can tick things off');
    await waitForEvent(runner.events, projectId, 'generation_complete');
    await runner.supervisor.settled(projectId);

    const events = runner.events.filter((event) => event.projectId === projectId);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const states = events.flatMap((event) => (event.type === 'state_change' ? [event.state] : []));
    expect(states).toEqual([
      'DESIGNING_PHASE',
      'IMPLEMENTING_PHASE',
      'INSTALLING_DEPS',
      'STARTING_SERVER',
      'DESIGNING_PHASE',
      'IMPLEMENTING_PHASE',
      'INSTALLING_DEPS',
      'STARTING_SERVER',
      'COMPLETE',
    ]);
    expect(events.filter((event) => event.type === 'phase_designed')).toHaveLength(2);
    expect(events.find((event) => event.type === 'blueprint')).toBeDefined();

    // What was streamed, chunk by chunk, adds up to what was saved.
    const streamed = new Map<string, string>();
    for (const event of events) {
      if (event.type === 'file_chunk') {
        streamed.set(event.path, (streamed.get(event.path) ?? '') + event.chunk);
      }
      if (event.type === 'file_end') {
        expect(streamed.get(event.path)).toBe(event.content);
      }
      if (event.type === 'file_end') {
        streamed.delete(event.path);
      }
    }

    const expected = applyScof(DEMO_APPS.todo.phases.map((phase) => phase.implementation));
    expect(await savedFiles(db, projectId)).toEqual(expected);

    const row = await agentRow(db, projectId);
    expect(row).toMatchObject({ state: 'COMPLETE', error: null });
    expect(row.phases).toHaveLength(2);

    const messages = await db.query<{ role: string }>(
      `SELECT role FROM conversation_messages WHERE project_id = $1 ORDER BY created_at, id`,
      [projectId],
    );
    expect(messages[0]).toEqual({ role: 'user' });
    expect(messages.filter((m) => m.role === 'assistant').length).toBeGreaterThanOrEqual(2);

    const usage = await db.query<{ role: string; model: string }>(
      `SELECT role, model FROM llm_usage WHERE project_id = $1 ORDER BY created_at`,
      [projectId],
    );
    expect(usage.map((u) => u.role)).toEqual(['design', 'code', 'design', 'code']);
    expect(usage.every((u) => u.model === 'forge-demo')).toBe(true);
  });

  it('refuses a second generate while one runs, and an empty or oversized request', async () => {
    const { db, runner } = stack();
    const projectId = await createProject(db);
    await runner.supervisor.generate(projectId, 'A pomodoro timer');
    await expect(runner.supervisor.generate(projectId, 'Another')).rejects.toMatchObject({
      code: 'GENERATION_RUNNING',
    });
    await runner.supervisor.settled(projectId);
    await expect(runner.supervisor.generate(projectId, '   ')).rejects.toMatchObject({
      code: 'REQUEST_EMPTY',
    });
    await expect(runner.supervisor.generate(projectId, 'x'.repeat(20_001))).rejects.toMatchObject({
      code: 'REQUEST_TOO_LONG',
      message: expect.stringContaining('AGENT_REQUEST_MAX_LENGTH'),
    });
  });
});
