import { rm } from 'node:fs/promises';
import { fetchPageModules } from '../core/page-modules';
import { isRunning, makeTempDir, waitFor } from '../testing/test-helpers';
import { DevServerPool } from './dev-server-pool';
import { ProcessSandboxProvider } from './process-sandbox.provider';

describe(DevServerPool.name, () => {
  let base: string;
  let provider: ProcessSandboxProvider;

  beforeAll(async () => {
    base = await makeTempDir('process-pool');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 1,
    });
  });

  afterAll(async () => {
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  it("gives a new project a running dev server, which then serves the project's files", async () => {
    await provider.warmUp();
    expect(provider.pooledCount).toBe(1);
    const sandbox = await provider.open('pooled-project');
    expect(provider.pooledCount).toBe(0);
    const pid = sandbox.devServerPid;
    expect(pid).toBeDefined();
    await sandbox.writeFiles([
      {
        path: 'src/App.tsx',
        content: 'export default function App() {\n  return <p>From the pool</p>;\n}\n',
      },
    ]);
    const { url } = await sandbox.startDevServer();
    expect(sandbox.devServerPid).toBe(pid);
    await waitFor('the written App.tsx', async () =>
      (await (await fetch(`${url}/src/App.tsx`)).text()).includes('From the pool')
        ? true
        : undefined,
    );
    expect((await fetchPageModules(url)).ok).toBe(true);
    // The pool fills up again for the next project.
    await waitFor(
      'the pool to refill',
      () => (provider.pooledCount === 1 ? true : undefined),
      60_000,
    );
    const second = await provider.open('second-project');
    expect(second.workspaceDir).not.toBe(sandbox.workspaceDir);
    await expect(second.readFile('src/App.tsx')).resolves.not.toContain('From the pool');
    await provider.destroy('pooled-project');
    expect(isRunning(pid!)).toBe(false);
  });
});
