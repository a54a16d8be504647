import { readdir, rm } from 'node:fs/promises';
import { isSandboxError } from '../core/sandbox-error';
import { fetchPageModules } from '../core/page-modules';
import type { SandboxStatus } from '../core/sandbox';
import { isRunning, makeTempDir, processesUnder, waitFor } from '../testing/test-helpers';
import type { ProcessSandbox } from './process-sandbox';
import { ProcessSandboxProvider } from './process-sandbox.provider';

const app = (text: string) =>
  `export default function App() {\n  return <h1 className="p-4 text-2xl">${text}</h1>;\n}\n`;

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  return response.text();
}

async function statusBecomes(sandbox: ProcessSandbox, wanted: SandboxStatus): Promise<void> {
  await waitFor(`status ${wanted}`, async () =>
    (await sandbox.status()) === wanted ? true : undefined,
  );
}

describe(ProcessSandboxProvider.name, () => {
  let base: string;
  let provider: ProcessSandboxProvider;

  beforeAll(async () => {
    base = await makeTempDir('process-provider');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
      restartBackoffMs: 100,
    });
  });

  afterAll(async () => {
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  it('serves a written app from a real Vite, picks up changes and comes back after a crash', async () => {
    const sandbox = await provider.open('project-a');
    await sandbox.writeFiles([{ path: 'src/App.tsx', content: app('First version') }]);
    const { url } = await sandbox.startDevServer();
    await expect(sandbox.status()).resolves.toBe('running');

    const page = await fetchPageModules(url);
    expect(page.ok).toBe(true);
    expect(page.page.body).toContain('/src/main.tsx');
    const module = await text(`${url}/src/App.tsx`);
    expect(module).toContain('First version');
    expect(module).toContain('jsxDEV'); // transformed, not the source

    await sandbox.writeFiles([{ path: 'src/App.tsx', content: app('Second version') }]);
    await waitFor('the new App.tsx', async () =>
      (await text(`${url}/src/App.tsx`)).includes('Second version') ? true : undefined,
    );

    const pid = sandbox.devServerPid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the old dev server to be gone', () => (isRunning(pid) ? undefined : true));
    await waitFor('an automatic restart', () => {
      const now = sandbox.devServerPid;
      return now !== undefined && now !== pid ? now : undefined;
    });
    const again = await sandbox.startDevServer();
    expect((await fetchPageModules(again.url)).ok).toBe(true);
    await expect(text(`${again.url}/src/App.tsx`)).resolves.toContain('Second version');
    expect(
      sandbox.logs().some((line) => line.stream === 'system' && line.text.includes('ended')),
    ).toBe(true);
  });

  it('starts one dev server for concurrent starts, stops it, and starts it again', async () => {
    const sandbox = await provider.open('project-b');
    const [a, b] = await Promise.all([sandbox.startDevServer(), sandbox.startDevServer()]);
    expect(a.url).toBe(b.url);
    const pid = sandbox.devServerPid!;
    await sandbox.stop();
    await expect(sandbox.status()).resolves.toBe('stopped');
    expect(isRunning(pid)).toBe(false);
    await expect(readdir(sandbox.workspaceDir)).resolves.toContain('src');
    const restarted = await sandbox.startDevServer();
    expect((await fetchPageModules(restarted.url)).ok).toBe(true);
  });

  it('leaves a crashed dev server crashed after maxAutoRestarts, until the next start', async () => {
    const strict = new ProcessSandboxProvider({
      root: `${base}/root-strict`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
      maxAutoRestarts: 0,
    });
    try {
      const sandbox = await strict.open('fragile');
      await sandbox.startDevServer();
      process.kill(sandbox.devServerPid!, 'SIGKILL');
      await statusBecomes(sandbox, 'crashed');
      expect(sandbox.logs().some((line) => line.text.includes('maxAutoRestarts'))).toBe(true);
      await expect(sandbox.status()).resolves.toBe('crashed');
      const { url } = await sandbox.startDevServer();
      await expect(sandbox.status()).resolves.toBe('running');
      expect((await fetchPageModules(url)).ok).toBe(true);
    } finally {
      await strict.shutdown();
    }
  });

  it('cancels a start on abort or stop, leaving no process, and starts again afterwards', async () => {
    const sandbox = await provider.open('project-g');
    const controller = new AbortController();
    const aborted = sandbox.startDevServer({ signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await aborted.catch((caught: unknown) => caught);
    expect(isSandboxError(error, 'ABORTED')).toBe(true);
    await expect(sandbox.status()).resolves.toBe('stopped');
    await expect(processesUnder(sandbox.workspaceDir)).resolves.toEqual([]);

    const stopped = sandbox.startDevServer();
    await sandbox.stop();
    const stopError = await stopped.catch((caught: unknown) => caught);
    expect(isSandboxError(stopError, 'ABORTED')).toBe(true);
    await expect(sandbox.status()).resolves.toBe('stopped');
    await expect(processesUnder(sandbox.workspaceDir)).resolves.toEqual([]);

    const { url } = await sandbox.startDevServer();
    expect((await fetchPageModules(url)).ok).toBe(true);
  });

  it('returns the same sandbox for the same project, and re-attaches after a new provider starts', async () => {
    const first = await provider.open('project-c');
    await first.writeFiles([{ path: 'src/note.txt', content: 'kept' }]);
    await expect(provider.get('project-c')).resolves.toBe(first);
    const other = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    const reattached = await other.open('project-c');
    await expect(reattached.readFile('src/note.txt')).resolves.toBe('kept');
    await other.shutdown();
  });

  it('keeps logs with growing sequence numbers', async () => {
    const sandbox = await provider.open('project-d');
    await sandbox.install();
    const lines = sandbox.logs();
    expect(lines.some((line) => line.stream === 'install')).toBe(true);
    const last = lines.at(-1)!.seq;
    expect(lines.map((line) => line.seq)).toEqual(
      [...lines.map((line) => line.seq)].sort((x, y) => x - y),
    );
    expect(sandbox.logs(last)).toEqual([]);
  });

  it('installs package.json as a quick no-op and refuses package specs that are not npm names', async () => {
    const sandbox = await provider.open('project-e');
    const result = await sandbox.install();
    expect(result).toMatchObject({ ok: true, exitCode: 0, packages: [] });
    for (const spec of [
      '--global',
      'https://evil.example/x.tgz',
      'a b',
      '../x',
      'zod@$(rm -rf ~)',
    ]) {
      const error = await sandbox.install([spec]).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isSandboxError(error, 'INVALID_PACKAGE')).toBe(true);
    }
  });

  it('refuses a bad project id', async () => {
    const error = await provider.get('../etc').catch((caught: unknown) => caught);
    expect(isSandboxError(error, 'INVALID_PROJECT_ID')).toBe(true);
  });

  it('destroys a project: its dev server and its files go', async () => {
    const sandbox = await provider.open('project-f');
    await sandbox.startDevServer();
    const pid = sandbox.devServerPid!;
    const dir = sandbox.workspaceDir;
    await provider.destroy('project-f');
    expect(isRunning(pid)).toBe(false);
    await expect(readdir(dir)).rejects.toThrow();
    await expect(sandbox.status()).resolves.toBe('absent');
    const fresh = await provider.open('project-f');
    expect(fresh).not.toBe(sandbox);
    await expect(fresh.readFile('src/App.tsx')).resolves.toContain('export default function App');
  });

  it('stops an idle sandbox and brings it back on the next start', async () => {
    const idle = new ProcessSandboxProvider({
      root: `${base}/root-idle`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
      // Long enough for the page to load after the start below (isolated, on a busy machine).
      idleTimeoutMs: 5000,
    });
    try {
      const sandbox = await idle.open('sleepy');
      await sandbox.startDevServer();
      const pid = sandbox.devServerPid!;
      await statusBecomes(sandbox, 'stopped');
      expect(isRunning(pid)).toBe(false);
      await idle.get('sleepy');
      const { url } = await sandbox.startDevServer();
      expect((await fetchPageModules(url)).ok).toBe(true);
    } finally {
      await idle.shutdown();
    }
  });

  it('leaves no dev server behind after shutdown, pooled ones included', async () => {
    const root = `${base}/root-shutdown`;
    const other = new ProcessSandboxProvider({
      root,
      templateCacheRoot: `${base}/cache`,
      poolSize: 1,
    });
    await other.warmUp();
    const sandbox = await other.open('shut');
    await sandbox.startDevServer();
    await expect(processesUnder(root)).resolves.not.toEqual([]);
    await other.shutdown();
    await expect(processesUnder(root)).resolves.toEqual([]);
    const error = await other.get('shut').catch((caught: unknown) => caught);
    expect(isSandboxError(error, 'DESTROYED')).toBe(true);
  });
});
