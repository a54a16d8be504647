import { rm } from 'node:fs/promises';
import { DockerSandboxProvider, ProcessSandboxProvider, type Sandbox } from '@forge/sandbox';
import {
  ensureDockerSandboxImage,
  IMAGE_BUILD_TIMEOUT_MS,
  testProjectId,
} from '../../../../libs/sandbox/src/docker/testing/docker-test-environment';
import { makeTempDir, waitFor } from '../../../../libs/sandbox/src/testing/test-helpers';
import { changesDependencyGraph, reloadDevServer } from './dev-server-reload';

describe(changesDependencyGraph.name, () => {
  it('tells the dependency graph and build configuration from code', () => {
    for (const path of [
      'package.json',
      'bun.lock',
      'vite.config.ts',
      'vite.config.mjs',
      'postcss.config.js',
      'postcss.config.cjs',
      '.postcssrc.json',
      'tailwind.config.js',
      'tailwind.config.ts',
    ]) {
      expect([path, changesDependencyGraph(path)]).toEqual([path, true]);
    }
    // Vite takes these live: index.html is read on each request, a tsconfig change reloads.
    for (const path of [
      'src/App.tsx',
      'src/index.css',
      'src/package.json',
      'public/index.html',
      'index.html',
      'tsconfig.json',
      'tsconfig.app.json',
    ]) {
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

function stopsLogged(sandbox: Sandbox): number {
  return sandbox.logs().filter((line) => line.text === 'the dev server stopped').length;
}

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
    await expect(reloadDevServer(sandbox)).resolves.toBeNull();
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
    // Vite alone often keeps the failure (its resolver remembers the miss and does not watch
    // node_modules), but not always: when its watcher sees package.json change in time it may
    // recover by itself (seen once in CI). Not asserted: what Forge does is, just below.
    const reloaded = await reloadDevServer(sandbox);
    expect(reloaded).toBe((await sandbox.startDevServer()).url);
    const response = await fetch(`${reloaded}/src/App.tsx`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/node_modules/.vite/deps/zustand.js');
  }, 180_000);

  it('restarts a dev server that was still starting when the install ended', async () => {
    await sandbox.stop();
    const stopsBefore = stopsLogged(sandbox);
    // A pooled server the project took while it warmed up: its process predates the install.
    const starting = sandbox.startDevServer();
    expect(await sandbox.status()).toBe('starting');
    await sandbox.writeFiles([{ path: 'src/App.tsx', content: APP_WITH_ZUSTAND }]);
    expect((await sandbox.install(['zustand@5.0.8'])).ok).toBe(true);

    const reloaded = await reloadDevServer(sandbox);
    await starting;
    expect(reloaded).toBe((await sandbox.startDevServer()).url);
    expect(stopsLogged(sandbox)).toBe(stopsBefore + 1);
    const response = await fetch(`${reloaded}/src/App.tsx`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/node_modules/.vite/deps/zustand.js');
  }, 180_000);

  it('loads a package that replaced one the dev server had loaded (Tailwind 4 by 3)', async () => {
    const { url } = await sandbox.startDevServer();
    // A Tailwind 3 app written while the starter's Tailwind 4 is installed: PostCSS loads it.
    await sandbox.writeFiles([
      {
        path: 'vite.config.ts',
        content:
          "import react from '@vitejs/plugin-react';\nimport { defineConfig } from 'vite';\n" +
          'export default defineConfig({ plugins: [react()] });\n',
      },
      { path: 'postcss.config.js', content: 'export default { plugins: { tailwindcss: {} } };\n' },
      {
        path: 'tailwind.config.js',
        content: "export default { content: ['./src/**/*.tsx'], theme: {}, plugins: [] };\n",
      },
      { path: 'src/index.css', content: '@tailwind base;\n@tailwind utilities;\n' },
      { path: 'src/App.tsx', content: 'export default () => <h1 className="text-3xl">Hi</h1>;\n' },
    ]);
    await waitFor('the CSS through the Tailwind 4 package', async () =>
      (await fetch(`${url}/src/index.css`)).status === 500 ? true : undefined,
    );
    expect((await sandbox.install(['tailwindcss@3.4.9'])).ok).toBe(true);

    const reloaded = await reloadDevServer(sandbox);
    const css = await fetch(`${reloaded}/src/index.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('.text-3xl');
  }, 180_000);
});

/**
 * The same in a Docker sandbox, whose container may not reach the registry: the package is a
 * local one that package.json names, as a model's rewritten package.json would.
 */
describe('reloadDevServer (docker sandbox)', () => {
  const provider = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 0 });
  const projectId = testProjectId('reload');
  let sandbox: Sandbox;

  beforeAll(async () => {
    ensureDockerSandboxImage();
    sandbox = await provider.get(projectId);
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await provider.destroy(projectId);
    await provider.shutdown();
  });

  it('comes back serving the packages package.json names after their install', async () => {
    await sandbox.install();
    const { url } = await sandbox.startDevServer();
    await sandbox.writeFiles([
      {
        path: 'src/App.tsx',
        content:
          "import { greeting } from 'local-greeting';\n" +
          'export default function App() {\n  return <h1>{greeting}</h1>;\n}\n',
      },
      {
        path: 'vendor/local-greeting/package.json',
        content: JSON.stringify({
          name: 'local-greeting',
          version: '1.0.0',
          type: 'module',
          main: 'index.js',
        }),
      },
      {
        path: 'vendor/local-greeting/index.js',
        content: "export const greeting = 'Hello, locally';\n",
      },
    ]);
    const module = () => fetch(`${url}/src/App.tsx`).then(async (r) => [r.status, await r.text()]);
    await waitFor('the failed resolution', async () => {
      const [status, body] = await module();
      return status === 500 && String(body).includes('Failed to resolve import') ? true : undefined;
    });

    const manifest = JSON.parse((await sandbox.readFile('package.json'))!) as {
      dependencies: Record<string, string>;
    };
    manifest.dependencies['local-greeting'] = 'file:./vendor/local-greeting';
    await sandbox.writeFiles([
      { path: 'package.json', content: JSON.stringify(manifest, null, 2) },
    ]);
    expect((await sandbox.install()).ok).toBe(true);
    // (A local package named in package.json may resolve without a restart; the restart must
    // still bring the server back serving it, on a container that was stopped and started.)

    const reloaded = await reloadDevServer(sandbox);
    expect(reloaded).toBe((await sandbox.startDevServer()).url);
    const response = await fetch(`${reloaded}/src/App.tsx`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('local-greeting');
  }, 300_000);
});
