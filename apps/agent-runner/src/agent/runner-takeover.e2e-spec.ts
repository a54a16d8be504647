import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createScriptedLlmServer, DEMO_APPS, type ScriptedLlmServer } from '@forge/scripted-llm';
import { eventually } from '../../../../test/support/eventually';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { TEST_APPS_DATABASE_KEY } from '../../../../test/support/test-secrets';
import { applyScof } from '../testing/apply-scof';
import { demoLlm, DEMO_MODEL_ENV } from '../testing/demo-llm';
import {
  agentRow,
  createProject,
  savedFiles,
  startRunnerTestApp,
  waitForEvent,
} from '../testing/runner-test-app';

const EXPECTED = applyScof(DEMO_APPS.pomodoro.phases.map((phase) => phase.implementation));
const REQUEST = 'A pomodoro timer';

describe('runner takeover (e2e)', () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Slow enough that a runner can be stopped in the middle of a phase.
    llm = await createScriptedLlmServer(demoLlm({ chunkSize: 30, chunksPerSecond: 150 }));
  });
  afterAll(async () => {
    await llm.close();
    await db.drop();
  });

  const env = (runnerId: string) => ({ RUNNER_ID: runnerId, ...DEMO_MODEL_ENV });

  it('resumes a project whose runner stopped mid-phase and ends with the same files', async () => {
    const projectId = await createProject(db);
    const first = await startRunnerTestApp(db, llm.url, env('runner-a'));
    await first.supervisor.generate(projectId, REQUEST);
    await waitForEvent(first.events, projectId, 'file_end', (e) => e.phase === 1);
    await first.close(); // leaves its lease to expire, writes nothing more

    const row = await agentRow(db, projectId);
    expect(row.state).toBe('IMPLEMENTING_PHASE');

    const second = await startRunnerTestApp(db, llm.url, env('runner-b'));
    try {
      await waitForEvent(second.events, projectId, 'generation_complete', undefined, 60_000);
      await second.supervisor.settled(projectId);
      expect(await savedFiles(db, projectId)).toEqual(EXPECTED);
      // Numbers go on past everything the first runner could have used.
      const lastSeqOfFirst = Math.max(...first.events.map((e) => e.seq));
      expect(
        Math.min(...second.events.filter((e) => e.projectId === projectId).map((e) => e.seq)),
      ).toBeGreaterThan(lastSeqOfFirst);
    } finally {
      await second.close();
    }
  });

  it('resumes after the runner process is killed with SIGKILL', async () => {
    const projectId = await createProject(db);
    // A request left mid-generation, as the API will hand it over: the runner resumes it at start.
    await db.query(
      `UPDATE agent_states SET state = 'DESIGNING_PHASE', request = $2, request_number = 1, current_phase = 1 WHERE project_id = $1`,
      [projectId, REQUEST],
    );
    const startRunner = (runnerId: string): ChildProcess =>
      spawn(process.execPath, [join(__dirname, '../../dist/main.js')], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: db.url,
          APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
          RUNNER_PORT: '0',
          LLM_BASE_URL: llm.url,
          LLM_API_KEY: 'test',
          LEASE_TTL_MS: '1500',
          LEASE_HEARTBEAT_MS: '250',
          SANDBOX_PROVIDER: 'none',
          ...env(runnerId),
        },
        stdio: 'ignore',
      });

    const first = startRunner('process-a');
    try {
      await eventually(
        async () => {
          const [row] = await db.query<{ files: number }>(
            `SELECT jsonb_array_length(files_in_flight) AS files FROM agent_states
           WHERE project_id = $1 AND state = 'IMPLEMENTING_PHASE'`,
            [projectId],
          );
          return row && row.files > 0 ? row : undefined;
        },
        'the first runner to be mid-phase',
        60_000,
      );
    } finally {
      first.kill('SIGKILL');
    }
    const second = startRunner('process-b');
    try {
      await eventually(
        async () => ((await agentRow(db, projectId)).state === 'COMPLETE' ? true : undefined),
        'COMPLETE',
        60_000,
      );
      expect(await savedFiles(db, projectId)).toEqual(EXPECTED);
    } finally {
      second.kill('SIGTERM');
    }
  });
});
