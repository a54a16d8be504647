import { performance } from 'node:perf_hooks';
import Dockerode from 'dockerode';
import type { SandboxFile } from '../core/sandbox';
import { DockerSandboxProvider } from '../docker/docker-sandbox.provider';
import { fetchPageModules } from '../core/page-modules';

/** How long the preview container sits untouched before its memory is read, in ms. */
export const IDLE_SETTLE_MS = 5000;
/** Most time spent waiting for every module to answer, in ms. */
const PAGE_TIMEOUT_MS = 60_000;

export interface DockerBenchProject {
  /** get(): container (and volume) created and started, template copied in. */
  createMs: number;
  /** writeFiles() of the app. */
  writeMs: number;
  /** From the files written to every module of the page answering: install, dev server, fetches. */
  writtenToPageMs: number;
  installMs: number;
  devServerMs: number;
  modules: number;
}

export interface DockerBenchResult {
  projects: DockerBenchProject[];
  idleMemoryBytes: number;
  storageDriver: string;
}

const appFiles = (index: number): SandboxFile[] => [
  {
    path: 'src/greeting.ts',
    content: `export const greeting = 'Hello from bench project ${index}';\n`,
  },
  {
    path: 'src/App.tsx',
    content: [
      "import { useState } from 'react';",
      "import { greeting } from './greeting';",
      '',
      'export default function App() {',
      '  const [count, setCount] = useState(0);',
      '  return (',
      '    <main className="p-8">',
      '      <h1 className="text-3xl font-bold">{greeting}</h1>',
      '      <button onClick={() => setCount(count + 1)}>Clicked {count}</button>',
      '    </main>',
      '  );',
      '}',
      '',
    ].join('\n'),
  },
];

const since = (start: number) => Math.round(performance.now() - start);

async function untilEveryModuleAnswers(url: string): Promise<number> {
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  for (;;) {
    const page = await fetchPageModules(url);
    if (page.ok) {
      return page.modules.length;
    }
    if (Date.now() > deadline) {
      throw new Error(`the page at ${url} did not load within ${PAGE_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Times two new projects from nothing to a loaded page on the docker provider, and reads the
 * memory of one idle preview container. Removes what it created.
 */
export async function runDockerBench(
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<DockerBenchResult> {
  const docker = new Dockerode();
  const provider = new DockerSandboxProvider(
    { namePrefix: 'forge-bench', idleTimeoutMs: 0 },
    docker,
  );
  const storageDriver = ((await docker.info()) as { Driver: string }).Driver;
  print(`storage driver: ${storageDriver}, image: ${provider.config.image}`);
  const ids = [1, 2].map((index) => `bench-${index}-${Date.now().toString(36)}`);
  const projects: DockerBenchProject[] = [];
  try {
    for (const [index, projectId] of ids.entries()) {
      let start = performance.now();
      const sandbox = await provider.sandbox(projectId);
      const createMs = since(start);
      start = performance.now();
      await sandbox.writeFiles(appFiles(index + 1));
      const writeMs = since(start);
      start = performance.now();
      const installed = await sandbox.install();
      if (!installed.ok) {
        throw new Error(`install failed: ${installed.output}`);
      }
      const installMs = since(start);
      const { url } = await sandbox.startDevServer();
      const devServerMs = since(start) - installMs;
      const modules = await untilEveryModuleAnswers(url);
      const project = {
        createMs,
        writeMs,
        writtenToPageMs: since(start),
        installMs,
        devServerMs,
        modules,
      };
      projects.push(project);
      print(
        `project ${index + 1}: files written → every module answers ${project.writtenToPageMs} ms ` +
          `(install ${installMs} ms, dev server ${devServerMs} ms, ${modules} modules); ` +
          `container ready ${createMs} ms, write ${writeMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const { backend } = await provider.sandbox(ids[0]!);
    const stats = await docker.getContainer(backend.containerName).stats({ stream: false });
    const memory = stats.memory_stats;
    // As `docker stats` counts it: usage without the page cache that can be dropped.
    const cache = memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? 0;
    const idleMemoryBytes = memory.usage - cache;
    print(
      `idle preview container memory after ${IDLE_SETTLE_MS} ms: ${(idleMemoryBytes / 1024 / 1024).toFixed(1)} MiB`,
    );
    return { projects, idleMemoryBytes, storageDriver };
  } finally {
    for (const projectId of ids) {
      await provider.destroy(projectId);
    }
  }
}
