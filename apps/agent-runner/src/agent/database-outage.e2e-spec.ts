import { createScriptedLlmServer, type ScriptedLlmServer } from '@forge/scripted-llm';
import { type CuttableProxy, startCuttableProxy } from '../../../../test/support/cuttable-proxy';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import {
  agentRow,
  createProject,
  type RunnerTestApp,
  savedFiles,
  startRunnerTestApp,
  waitForEvent,
} from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';
import { isDatabaseOutage } from './database-outage';

const APP = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [`src/part${i}.ts`, `export const part${i} = ${i};\n`]),
);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL outage during a generation (e2e)', () => {
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let llm: ScriptedLlmServer;
  let runner: RunnerTestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  beforeEach(async () => {
    proxy = await startCuttableProxy(db.url);
    // Every implement call gets the same slow answer: the cut falls in the middle of it, and
    // the resumed phase asks again.
    llm = await createScriptedLlmServer({
      handler: (request) =>
        request.index === 0
          ? designAnswer(Object.keys(APP))
          : { text: scofAnswer(APP), chunkSize: 8, chunksPerSecond: 40 },
    });
    runner = await startRunnerTestApp(db, llm.url, {
      DATABASE_URL: proxy.url,
      DATABASE_CONNECT_TIMEOUT_MS: '500',
      DATABASE_QUERY_TIMEOUT_MS: '1000',
    });
  });
  afterEach(async () => {
    proxy.restore();
    await runner.close();
    await llm.close();
    await proxy.close();
  });

  it.each(['refuse', 'silence'] as const)(
    'resumes the generation once PostgreSQL is back (connections %s)',
    async (mode) => {
      const projectId = await createProject(db);
      await runner.supervisor.generate(projectId, 'Six parts');
      await waitForEvent(runner.events, projectId, 'file_chunk');
      proxy.cut(mode);
      await waitForEvent(runner.events, projectId, 'log', (e) =>
        e.text.startsWith('The database is unreachable'),
      );
      // Down for a while, as a restarting server is; the outcome is what the test checks.
      await pause(3_000);
      proxy.restore();
      await waitForEvent(runner.events, projectId, 'generation_complete', undefined, 60_000);
      await runner.supervisor.settled(projectId);
      expect(await agentRow(db, projectId)).toMatchObject({ state: 'COMPLETE', error: null });
      expect(await savedFiles(db, projectId)).toEqual(APP);
      const fatal = runner.events.filter(
        (e) => e.projectId === projectId && e.type === 'error' && e.fatal,
      );
      expect(fatal).toEqual([]);
    },
  );
});

describe(isDatabaseOutage.name, () => {
  it('tells a lost database from a wrong query', () => {
    expect(isDatabaseOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseOutage(new Error('Query read timeout'))).toBe(true);
    expect(isDatabaseOutage(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseOutage({ message: 'q', driverError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseOutage({ message: 'q', driverError: { code: '08006' } })).toBe(true);
    expect(isDatabaseOutage({ message: 'duplicate key', driverError: { code: '23505' } })).toBe(
      false,
    );
    expect(isDatabaseOutage(new Error('lost the lease on project p'))).toBe(false);
  });
});
