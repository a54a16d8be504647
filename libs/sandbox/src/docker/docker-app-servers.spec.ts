import Dockerode from 'dockerode';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import { useDockerSandbox } from './testing/docker-test-environment';

const LIMITS = {
  maxBytes: 5_000_000,
  maxFiles: 100,
  maxServerBytes: 5_000_000,
  timeoutMs: 180_000,
};

/** A version's own server routes: who runs it, with which variables, and whether it can rewrite itself. */
const SERVER_APP = `import { Hono } from 'hono';
import { writeFileSync } from 'node:fs';

export const app = new Hono().basePath('/api');

app.get('/hello', (c) => c.json({ greeting: process.env.GREETING ?? null, uid: process.getuid?.() }));
app.post('/echo', async (c) => c.json(await c.req.json()));
app.get('/tamper', (c) => {
  const tries: Record<string, boolean> = {};
  for (const path of ['/app/main.mjs', '/app/other.mjs', '/usr/local/lib/x']) {
    try {
      writeFileSync(path, 'changed');
      tries[path] = true;
    } catch {
      tries[path] = false;
    }
  }
  return c.json(tries);
});
`;

describe(`${DockerSandboxProvider.name} (published apps' server parts)`, () => {
  const { provider, projectId, sandbox } = useDockerSandbox('app-server');

  afterAll(async () => {
    await provider.appServers.stop(projectId);
  });

  it('builds the server part into one bundle and runs it in a read-only container of its own', async () => {
    const built = await sandbox().buildSite(
      [{ path: 'server/app.ts', content: SERVER_APP }],
      LIMITS,
    );
    if (!built.ok) {
      throw new Error(built.output);
    }
    expect(built.server).not.toBeNull();
    const spec = {
      projectId,
      buildId: 'one',
      bundle: built.server!,
      env: { GREETING: 'hello from forge' },
    };
    const url = await provider.appServers.ensure(spec);
    const hello = (await (await fetch(`${url}/api/hello`)).json()) as {
      greeting: string;
      uid: number;
    };
    expect(hello).toEqual({ greeting: 'hello from forge', uid: 1000 });
    const echo = await fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ posted: [1, 2] }),
    });
    expect(await echo.json()).toEqual({ posted: [1, 2] });
    // Neither its own code nor the image can be written.
    expect(await (await fetch(`${url}/api/tamper`)).json()).toEqual({
      '/app/main.mjs': false,
      '/app/other.mjs': false,
      '/usr/local/lib/x': false,
    });

    // The preview's sandbox stopping leaves it serving; the same build is found again.
    await sandbox().stop();
    expect((await fetch(`${url}/api/hello`)).status).toBe(200);
    expect(await provider.appServers.ensure(spec)).toBe(url);
    expect(await provider.appServers.current(projectId)).toEqual({ buildId: 'one', url });
    // Listed for the idle check by this configuration, not by another Forge on the host.
    expect(await provider.appServers.list()).toContain(projectId);
    const other = new DockerSandboxProvider({ namePrefix: 'forge-other', idleTimeoutMs: 0 });
    expect(await other.appServers.list()).not.toContain(projectId);
    await other.shutdown();
    // A sandbox is not what the reaper counts it as.
    expect(await provider.projectIds()).not.toContain(`${projectId}-app`);

    // A bundle that cannot start: a clear error with its output; then nothing runs.
    await expect(
      provider.appServers.ensure({
        ...spec,
        buildId: 'broken',
        bundle: Buffer.from('throw new Error("no way")'),
      }),
    ).rejects.toMatchObject({ code: 'START_FAILED', message: expect.stringContaining('no way') });
    await provider.appServers.stop(projectId);
    expect(await provider.appServers.current(projectId)).toBeNull();
    expect(await provider.appServers.list()).not.toContain(projectId);

    // Labelled as Forge's, so the documented clean-up finds it; and a runner shutting down
    // removes the servers it asked for (one left on the sandbox network would keep
    // `docker compose down` from removing it).
    const runner = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 0 });
    await runner.appServers.ensure(spec);
    const info = await new Dockerode().getContainer(`forge-test-${projectId}-app`).inspect();
    expect(info.Config.Labels).toMatchObject({
      'forge.managed': 'true',
      'forge.project': projectId,
    });
    await runner.shutdown();
    expect(await provider.appServers.current(projectId)).toBeNull();
    expect(await provider.appServers.list()).not.toContain(projectId);
  }, 400_000);
});
