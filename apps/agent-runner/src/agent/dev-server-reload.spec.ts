import { rm } from 'node:fs/promises';
import { ProcessSandboxProvider, type Sandbox } from '@forge/sandbox';
import { makeTempDir, waitFor } from '../../../../libs/sandbox/src/workspace/testing/test-helpers';
import { changesDependencyGraph, reloadDevServer } from './dev-server-reload';

describe(changesDependencyGraph.name, () => {
  it('tells the dependency graph and build configuration from code', () => {
    for (const path of [
      'package.json',
      'bun.lock',
      'index.html',
      'vite.config.ts',
      'vite.config.mjs',
      'postcss.config.js',
      'postcss.config.cjs',
      '.postcssrc.json',
      'tailwind.config.js',
      'tailwind.config.ts',
      'tsconfig.json',
      'tsconfig.app.json',
    ]) {
      expect([path, changesDependencyGraph(path)]).toEqual([path, true]);
    }
    for (const path of ['src/App.tsx', 'src/index.css', 'src/package.json', 'public/index.html']) {
      expect([path, changesDependencyGraph(path)]).toEqual([path, false]);
    }
  });
});

const APP_WITH_ZUSTAND = [
  "import { create } from 'zustand';",
  'const useCount = create(() => ({ count: 3 }));',
  'export default function App() {',
  '  const count = useCount((state) => state.count);',
  '  return <h1>Counted {count}</h1>;',
  '}',
  '',
].join('\n');

/** A real Vite in a process sandbox, given a file that imports a package before it is installed. */
describe('reloadDevServer (process sandbox)', () => {
  let base: string;
  let provider: ProcessSandboxProvider;
  let sandbox: Sandbox;

  beforeAll(async () => {
    base = await makeTempDir('dev-server-reload');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    sandbox = await provider.get('reload');
  }, 180_000);

  afterAll(async () => {
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  it('does nothing while no dev server runs', async () => {
    await expect(reloadDevServer(sandbox, { timeoutMs: 5_000 })).resolves.toBeNull();
  });

  it('makes a failed resolution go away once the package is installed', async () => {
    const { url } = await sandbox.startDevServer();
    // Written while the phase streams: the package is not there yet.
    await sandbox.writeFiles([{ path: 'src/App.tsx', content: APP_WITH_ZUSTAND }]);
    const module = () => fetch(`${url}/src/App.tsx`).then(async (r) => [r.status, await r.text()]);
    await waitFor('the failed resolution', async () => {
      const [status, body] = await module();
      return status === 500 && String(body).includes('Failed to resolve import') ? true : undefined;
    });

    const installed = await sandbox.install(['zustand@5.0.8']);
    expect(installed.ok).toBe(true);
    // Vite alone keeps the failure: its resolver remembers the miss and does not watch node_modules.
    const [stillFailing] = await module();
    expect(stillFailing).toBe(500);

    const note = await reloadDevServer(sandbox, { timeoutMs: 60_000 });
    expect(note).toMatch(/restarted/);
    const [status, body] = await module();
    expect(status).toBe(200);
    expect(body).toContain('/node_modules/.vite/deps/zustand.js');
    // Same server, same address: the open preview reconnects and reloads by itself.
    expect((await sandbox.startDevServer()).url).toBe(url);
  }, 180_000);
});
