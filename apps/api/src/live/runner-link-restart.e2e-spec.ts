import { createDemoLlmHandler, createScriptedLlmServer } from '@forge/scripted-llm';
import { createTestDatabase } from '../../../../test/support/test-database';
import { call, signUp } from '../testing/api-test-app';
import { RunnerLinks } from './runner-links';
import { eventually, freePort, startLinkedRunner, startLiveApi } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

describe('a runner restarted gracefully (e2e)', () => {
  it('is linked again by the API, and a command reaches the new runner', async () => {
    const db = await createTestDatabase();
    const llm = await createScriptedLlmServer({
      handler: createDemoLlmHandler(),
      models: ['forge-demo'],
    });
    const port = await freePort();
    let runner = await startLinkedRunner(db, llm.url, { RUNNER_ID: 'runner-before' }, port);
    const api = await startLiveApi(db, {
      RUNNER_URLS: runner.url,
      RUNNER_LINK_RECONNECT_DELAY_MS: '50',
      RUNNER_LINK_RECONNECT_DELAY_MAX_MS: '200',
    });
    let browser: TestBrowser | undefined;
    try {
      const links = api.app.get(RunnerLinks);
      const linkedTo = (runnerId: string) =>
        links.up().some((link) => link.runnerId === runnerId) ? true : undefined;
      await eventually(() => linkedTo('runner-before'), 'the first link', 15_000);

      // Nest's close runs the runner's graceful shutdown: it disconnects the API's socket.
      await runner.close();
      runner = await startLinkedRunner(db, llm.url, { RUNNER_ID: 'runner-after' }, port);
      await eventually(() => linkedTo('runner-after'), 'the link to the new runner', 15_000);

      const user = await signUp(api.url);
      const created = await call(api.url, 'POST', '/api/projects', {
        cookie: user.cookie,
        body: { name: 'After a restart' },
      });
      const projectId = created.body.id as string;
      browser = await TestBrowser.connect(api.url, { cookie: user.cookie });
      expect(await browser.join(projectId)).toEqual({ ok: true });
      expect(await browser.command('generate', { projectId, description: 'A todo list' })).toEqual({
        ok: true,
      });
      await browser.waitForEvent(projectId, 'generation_complete', 60_000);
      const [row] = await db.query<{ state: string }>(
        `SELECT state FROM agent_states WHERE project_id = $1`,
        [projectId],
      );
      expect(row?.state).toBe('COMPLETE');
    } finally {
      browser?.close();
      await api.close();
      await runner.close();
      await llm.close();
      await db.drop();
    }
  }, 120_000);
});
