import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSandboxProvider } from '../process/process-sandbox.provider';
import type { ProcessIsolationMode } from '../process/process-isolation';
import { prepareTemplate } from '../process/workspace/prepare-template';
import { type ProcessBenchProject, timeProject, treeMemory } from './process-bench';

/** Projects timed per mode; the modes take turns so that a warming machine favours neither. */
const ROUNDS = 3;
/** When the idle memory is read, in ms after the page loaded. */
const IDLE_AFTER_MS = 5_000;

export interface IsolationBenchResult {
  off: { projects: ProcessBenchProject[]; idleRssBytes: number; idlePssBytes: number };
  on: { projects: ProcessBenchProject[]; idleRssBytes: number; idlePssBytes: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * The process provider's files → preview time (write, install, dev server start, every module
 * of the page answering) and one idle preview's memory, with isolation off and on, side by side.
 */
export async function runIsolationBench(
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<IsolationBenchResult> {
  const base = join(tmpdir(), `forge-isolation-bench-${process.pid}`);
  const cacheRoot = join(base, 'cache');
  const modes: ProcessIsolationMode[] = ['off', 'on'];
  const providers = new Map(
    modes.map((mode) => [
      mode,
      new ProcessSandboxProvider({
        root: join(base, mode),
        templateCacheRoot: cacheRoot,
        poolSize: 0,
        idleTimeoutMs: 0,
        isolation: mode,
      }),
    ]),
  );
  try {
    await prepareTemplate(cacheRoot);
    const status = await providers.get('on')!.isolationStatus();
    print(`isolation on: ${status.detail}`);
    const projects = new Map<ProcessIsolationMode, ProcessBenchProject[]>(
      modes.map((mode) => [mode, []]),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const mode of round % 2 ? modes : [...modes].reverse()) {
        projects.get(mode)!.push(await timeProject(providers.get(mode)!, `${mode}-${round}`));
      }
    }
    const result = {} as IsolationBenchResult;
    for (const mode of modes) {
      const sandbox = await providers.get(mode)!.open(`${mode}-${ROUNDS}`);
      await new Promise((resolve) => setTimeout(resolve, IDLE_AFTER_MS));
      const memory = await treeMemory(sandbox.devServerPid!);
      result[mode as 'on' | 'off'] = {
        projects: projects.get(mode)!,
        idleRssBytes: memory.rss,
        idlePssBytes: memory.pss,
      };
    }
    print('');
    print('                                   isolation off   isolation on   difference');
    const row = (label: string, off: number, on: number, unit: (n: number) => string) =>
      print(
        `${label.padEnd(35)}${unit(off).padStart(13)}${unit(on).padStart(15)}${unit(on - off).padStart(13)}`,
      );
    const ms = (n: number) => `${Math.round(n)} ms`;
    const pick = (mode: 'on' | 'off', key: keyof ProcessBenchProject) =>
      median(result[mode].projects.map((project) => project[key]));
    row(
      'files -> preview (median)',
      pick('off', 'writtenToPageMs'),
      pick('on', 'writtenToPageMs'),
      ms,
    );
    row('  bun install (median)', pick('off', 'installMs'), pick('on', 'installMs'), ms);
    row('  dev server start (median)', pick('off', 'devServerMs'), pick('on', 'devServerMs'), ms);
    row('  write files (median)', pick('off', 'writeMs'), pick('on', 'writeMs'), ms);
    row(
      `idle preview RSS after ${IDLE_AFTER_MS} ms`,
      result.off.idleRssBytes,
      result.on.idleRssBytes,
      mb,
    );
    row(
      `idle preview PSS after ${IDLE_AFTER_MS} ms`,
      result.off.idlePssBytes,
      result.on.idlePssBytes,
      mb,
    );
    return result;
  } finally {
    await Promise.all([...providers.values()].map((provider) => provider.shutdown()));
    await rm(base, { recursive: true, force: true });
  }
}
