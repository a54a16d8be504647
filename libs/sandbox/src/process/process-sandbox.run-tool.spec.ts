import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isSandboxError } from '../core/sandbox-error';
import { makeTempDir, processesUnder, waitFor } from '../testing/test-helpers';
import type { ProcessSandbox } from './process-sandbox';
import { ProcessSandboxProvider } from './process-sandbox.provider';

const TSC = ['tsc', '-p', 'tsconfig.app.json', '--noEmit', '--pretty', 'false'];
const VITE_BUILD = [
  'vite',
  'build',
  '--outDir',
  'node_modules/.forge-check',
  '--emptyOutDir',
  '--logLevel',
  'error',
];

describe('ProcessSandbox.runTool', () => {
  let base: string;
  let provider: ProcessSandboxProvider;
  let sandbox: ProcessSandbox;

  beforeAll(async () => {
    base = await makeTempDir('process-tools');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    sandbox = await provider.open('tools');
  });

  afterAll(async () => {
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  it('type-checks the starter, then reports a type error a file brings in', async () => {
    const clean = await sandbox.runTool(TSC);
    expect(clean).toEqual({ exitCode: 0, timedOut: false, output: '' });

    await sandbox.writeFiles([
      { path: 'src/broken.ts', content: "export const count: number = 'three';\n" },
    ]);
    const broken = await sandbox.runTool(TSC);
    expect(broken.exitCode).not.toBe(0);
    expect(broken.timedOut).toBe(false);
    expect(broken.output).toContain('error TS');
    expect(broken.output).toContain('src/broken.ts');

    await sandbox.deleteFiles(['src/broken.ts']);
    await expect(sandbox.runTool(TSC)).resolves.toMatchObject({ exitCode: 0 });
    const system = sandbox.logs().filter((line) => line.stream === 'system');
    expect(system.map((line) => line.text)).toContain(`running ${TSC.join(' ')}`);
    expect(system.some((line) => line.text === 'tsc exited with code 2')).toBe(true);
  });

  it('builds the app with vite into node_modules', async () => {
    const built = await sandbox.runTool(VITE_BUILD);
    expect(built).toMatchObject({ exitCode: 0, timedOut: false });
    await expect(
      access(join(sandbox.workspaceDir, 'node_modules/.forge-check/index.html')),
    ).resolves.toBeUndefined();
  });

  it('refuses a tool that is a path or not in node_modules/.bin', async () => {
    for (const argv of [[], ['/bin/sh'], ['../../bin/sh'], ['..'], ['.bin/tsc'], ['-rf']]) {
      const error = await sandbox.runTool(argv).catch((caught: unknown) => caught);
      expect(isSandboxError(error, 'INVALID_TOOL')).toBe(true);
    }
    const missing = await sandbox.runTool(['rm', '-rf', '.']).catch((caught: unknown) => caught);
    expect(isSandboxError(missing, 'TOOL_NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toContain('"rm"');
    await expect(sandbox.readFile('src/App.tsx')).resolves.toContain('export default');
  });

  it('stops a long run on abort, leaving no process, and after its timeout', async () => {
    const watch = [...TSC, '--watch', '--preserveWatchOutput'];
    const controller = new AbortController();
    const running = sandbox.runTool(watch, { signal: controller.signal });
    await waitFor('tsc --watch to run', async () =>
      (await processesUnder(sandbox.workspaceDir)).length > 0 ? true : undefined,
    );
    controller.abort();
    const error = await running.catch((caught: unknown) => caught);
    expect(isSandboxError(error, 'ABORTED')).toBe(true);
    await expect(processesUnder(sandbox.workspaceDir)).resolves.toEqual([]);

    const timedOut = await sandbox.runTool(watch, { timeoutMs: 3000 });
    expect(timedOut).toMatchObject({ exitCode: null, timedOut: true });
    await expect(processesUnder(sandbox.workspaceDir)).resolves.toEqual([]);
  });
});
