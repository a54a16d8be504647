import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fetchPageModules } from '../core/page-modules';
import { ProcessSandboxProvider } from '../process/process-sandbox.provider';
import type { SandboxFile } from '../core/sandbox';
import { prepareTemplate } from '../process/workspace/prepare-template';

/** When the memory of an untouched preview is read, in ms after its last request. */
export const IDLE_READINGS_MS = [5_000, 30_000];
/** Most time spent waiting for every module to answer, in ms. */
const PAGE_TIMEOUT_MS = 60_000;
/** Projects timed per case, one after the other. */
const PROJECTS_PER_CASE = 3;

export interface ProcessBenchProject {
  /** writeFiles() of the app. */
  writeMs: number;
  /** From the files written to every module of the page answering with the new code. */
  writtenToPageMs: number;
  installMs: number;
  devServerMs: number;
  modules: number;
}

export interface ProcessBenchResult {
  prepareTemplateMs: number;
  withoutPool: ProcessBenchProject[];
  withPool: ProcessBenchProject[];
  /** Resident memory of one idle preview's process tree and its proportional share, per reading. */
  idleMemory: { afterMs: number; rssBytes: number; pssBytes: number }[];
}

const appFiles = (marker: string): SandboxFile[] => [
  { path: 'src/greeting.ts', content: `export const greeting = '${marker}';\n` },
  {
    path: 'src/components/Counter.tsx',
    content: [
      "import { useState } from 'react';",
      '',
      'export function Counter() {',
      '  const [count, setCount] = useState(0);',
      '  return (',
      '    <button className="rounded bg-indigo-600 px-3 py-1 text-white" onClick={() => setCount(count + 1)}>',
      '      Clicked {count}',
      '    </button>',
      '  );',
      '}',
      '',
    ].join('\n'),
  },
  {
    path: 'src/App.tsx',
    content: [
      "import { Counter } from './components/Counter';",
      "import { greeting } from './greeting';",
      '',
      'export default function App() {',
      '  return (',
      '    <main className="p-8">',
      '      <h1 className="text-3xl font-bold">{greeting}</h1>',
      '      <Counter />',
      '    </main>',
      '  );',
      '}',
      '',
    ].join('\n'),
  },
];

const since = (start: number) => Math.round(performance.now() - start);

/** Waits until every module answers and the written code (its marker) is what is served. */
async function untilPageServes(url: string, marker: string): Promise<number> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  for (;;) {
    const page = await fetchPageModules(url);
    const fresh = page.modules.some((module) => module.body.includes(marker));
    if (page.ok && fresh) {
      return page.modules.length;
    }
    if (Date.now() > deadline) {
      throw new Error(`the page at ${url} did not load within ${PAGE_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function timeProject(
  provider: ProcessSandboxProvider,
  name: string,
): Promise<ProcessBenchProject> {
  const sandbox = await provider.open(name);
  const marker = `Hello from ${name} ${Date.now()}`;
  let start = performance.now();
  await sandbox.writeFiles(appFiles(marker));
  const writeMs = since(start);
  start = performance.now();
  const installStart = performance.now();
  const install = await sandbox.install();
  if (!install.ok) {
    throw new Error(`bun install failed:\n${install.output}`);
  }
  const installMs = since(installStart);
  const serverStart = performance.now();
  const { url } = await sandbox.startDevServer();
  const devServerMs = since(serverStart);
  const modules = await untilPageServes(url, marker);
  return { writeMs, writtenToPageMs: since(start), installMs, devServerMs, modules };
}

/** Resident and proportional memory of a process and all its descendants (Linux /proc). */
export async function treeMemory(rootPid: number): Promise<{ rss: number; pss: number }> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) {
      parents.set(Number(entry), ppid);
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) {
      if (ppid === tree[i]) {
        tree.push(pid);
      }
    }
  }
  let rss = 0;
  let pss = 0;
  for (const pid of tree) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  return { rss, pss };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function report(
  print: (line: string) => void,
  label: string,
  projects: ProcessBenchProject[],
): void {
  projects.forEach((project, index) =>
    print(
      `  ${label} project ${index + 1}: files written -> every module answers ${project.writtenToPageMs} ms` +
        ` (install ${project.installMs} ms, dev server ${project.devServerMs} ms, ${project.modules} modules; write ${project.writeMs} ms)`,
    ),
  );
  const rest = projects.slice(1).map((project) => `${project.writtenToPageMs} ms`);
  print(`  ${label}: first ${projects[0]!.writtenToPageMs} ms, then ${rest.join(', ')}`);
}

/**
 * Times new projects from files written to a loaded page on the process provider, with a
 * warm template, without and with the pool of dev servers, and reads the memory of one idle
 * preview. Works in a temporary folder that it removes.
 */
export async function runProcessBench(
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<ProcessBenchResult> {
  const base = join(tmpdir(), `forge-process-bench-${process.pid}`);
  const cacheRoot = join(base, 'cache');
  try {
    let start = performance.now();
    await prepareTemplate(cacheRoot);
    const prepareTemplateMs = since(start);
    print(
      `prepareTemplate (bun install --frozen-lockfile from bun's cache): ${prepareTemplateMs} ms`,
    );

    const plain = new ProcessSandboxProvider({
      root: join(base, 'plain'),
      templateCacheRoot: cacheRoot,
      poolSize: 0,
      idleTimeoutMs: 0,
    });
    const withoutPool: ProcessBenchProject[] = [];
    for (let i = 1; i <= PROJECTS_PER_CASE; i++) {
      withoutPool.push(await timeProject(plain, `plain-${i}`));
    }
    await plain.shutdown();
    report(print, 'without pool', withoutPool);

    const pooled = new ProcessSandboxProvider({
      root: join(base, 'pooled'),
      templateCacheRoot: cacheRoot,
      poolSize: 1,
      idleTimeoutMs: 0,
    });
    start = performance.now();
    await pooled.warmUp();
    print(`  pool filled (one dev server started and warmed) in ${since(start)} ms`);
    const withPool: ProcessBenchProject[] = [];
    for (let i = 1; i <= PROJECTS_PER_CASE; i++) {
      // As when users arrive a little apart: the pool has refilled (and warmed) in between.
      await pooled.warmUp();
      withPool.push(await timeProject(pooled, `pooled-${i}`));
    }
    report(print, 'with pool', withPool);

    const idle = await pooled.open('pooled-1');
    const idleMemory: ProcessBenchResult['idleMemory'] = [];
    let waited = 0;
    for (const afterMs of IDLE_READINGS_MS) {
      await new Promise((resolve) => setTimeout(resolve, afterMs - waited));
      waited = afterMs;
      const memory = await treeMemory(idle.devServerPid!);
      idleMemory.push({ afterMs, rssBytes: memory.rss, pssBytes: memory.pss });
      print(
        `idle preview, ${afterMs} ms untouched: RSS ${mb(memory.rss)}, PSS ${mb(memory.pss)} (process tree)`,
      );
    }
    await pooled.shutdown();
    return { prepareTemplateMs, withoutPool, withPool, idleMemory };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
