import { demoLlm, DEMO_MODEL_ENV } from '../testing/demo-llm';
import { useRunnerStack } from '../testing/runner-stack';
import { createProject, waitForEvent } from '../testing/runner-test-app';

// Preparing the template (bun install) and a cold Vite start take a while on a loaded machine.
jest.setTimeout(240_000);

describe('generating an app into a process sandbox (e2e)', () => {
  const stack = useRunnerStack({
    llm: demoLlm({ chunkSize: 200 }),
    env: DEMO_MODEL_ENV,
    sandboxes: { prefix: 'forge-runner-sandbox-' },
  });

  it('writes every file into the sandbox and serves the generated app from its dev server', async () => {
    const { db, runner } = stack();
    const projectId = await createProject(db);
    await runner.supervisor.generate(projectId, 'A todo list');
    const started = await waitForEvent(
      runner.events,
      projectId,
      'server_started',
      undefined,
      120_000,
    );
    await waitForEvent(runner.events, projectId, 'generation_complete', undefined, 120_000);

    // The event says which phase's code is served, never where: browsers go through the proxy.
    expect(started).not.toHaveProperty('url');
    const devServer = await runner.devServerUrl(projectId);
    const page = await fetch(devServer);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const app = await fetch(new URL('/src/App.tsx', devServer));
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('Todo list');

    // The recorded demo app passes the checks after each phase: no fix phase, no check log.
    const events = runner.events.filter((event) => event.projectId === projectId);
    expect(events.filter((event) => event.type === 'log' && event.stream === 'check')).toEqual([]);
    const versions = events.flatMap((e) => (e.type === 'version_created' ? [e.reason] : []));
    expect(versions).toEqual(['phase', 'phase']);
  });
});
