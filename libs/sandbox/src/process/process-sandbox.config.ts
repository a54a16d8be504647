import type { PortRange } from './port-allocator';
import type { ProcessIsolationMode } from './process-isolation';

/** How the process provider runs sandboxes; everything but the two folders has a default. */
export interface ProcessSandboxOptions {
  /** The folder holding one workspace per project. */
  root: string;
  /** Where the template's prepared node_modules are kept (prepareTemplate). */
  templateCacheRoot: string;
  /** The address dev servers listen on; keep it a loopback address. */
  host?: string;
  /** Ports for dev servers; any free port the system picks when unset. */
  portRange?: PortRange;
  /** A sandbox without calls for this long stops its dev server; 0 never stops it. */
  idleTimeoutMs?: number;
  /** Longest wait for a starting dev server to answer HTTP. */
  devServerReadyTimeoutMs?: number;
  /** Log lines kept per sandbox. */
  logLines?: number;
  /** Dev servers kept running ahead of demand for new projects; 0 disables the pool. */
  poolSize?: number;
  /** Wait after a project's first dev server start before the pool starts its replacement. */
  poolRefillDelayMs?: number;
  installTimeoutMs?: number;
  /** Longest run of a project tool (runTool) that does not give its own timeoutMs. */
  toolTimeoutMs?: number;
  /** Automatic restarts of a crashed dev server before waiting for the next startDevServer. */
  maxAutoRestarts?: number;
  /** Delay before the first automatic restart; doubled for each further one. */
  restartBackoffMs?: number;
  /** Longest delay between automatic restarts. */
  maxRestartBackoffMs?: number;
  /** A dev server up this long has its automatic restart count reset. */
  restartStableMs?: number;
  /** V8 heap limit of a dev server (--max-old-space-size), in MB. */
  devServerMaxOldSpaceMb?: number;
  /** How long a stopping dev server gets between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  /** The app template; libs/sandbox/template by default. */
  templateDir?: string;
  /** The bun binary; the one of the `bun` npm package by default. */
  bunPath?: string;
  /** Added to the environment of installs and dev servers. */
  env?: Record<string, string>;
  /** bubblewrap around every command: auto (where it works), on (or refuse to start), off. */
  isolation?: ProcessIsolationMode;
  /** The host uid and gid sandboxed commands run as when Forge runs as root. */
  sandboxUid?: number;
  sandboxGid?: number;
  /** Data memory (RLIMIT_DATA) of each process in a sandbox, in MB; 0: no limit. */
  memoryMb?: number;
  /** Processes and threads in one sandbox (RLIMIT_NPROC in its user namespace); 0: no limit. */
  pidsMax?: number;
  /** CPU time of one install or check (RLIMIT_CPU), in seconds; 0: no limit. */
  cpuSeconds?: number;
  /** Size of a sandbox's private /tmp, in MB. */
  tmpMb?: number;
}

export type ProcessSandboxConfig = Required<
  Omit<ProcessSandboxOptions, 'portRange' | 'templateDir' | 'bunPath'>
> &
  Pick<ProcessSandboxOptions, 'portRange' | 'templateDir' | 'bunPath'>;

export const PROCESS_SANDBOX_DEFAULTS = {
  host: '127.0.0.1',
  idleTimeoutMs: 15 * 60_000,
  devServerReadyTimeoutMs: 60_000,
  logLines: 2000,
  poolSize: 1,
  poolRefillDelayMs: 2000,
  installTimeoutMs: 5 * 60_000,
  toolTimeoutMs: 3 * 60_000,
  maxAutoRestarts: 3,
  restartBackoffMs: 500,
  maxRestartBackoffMs: 10_000,
  restartStableMs: 30_000,
  devServerMaxOldSpaceMb: 512,
  stopGraceMs: 1500,
  env: {},
  isolation: 'auto',
  sandboxUid: 65534,
  sandboxGid: 65534,
  memoryMb: 2048,
  pidsMax: 256,
  cpuSeconds: 600,
  tmpMb: 256,
} as const;

export function processSandboxConfig(options: ProcessSandboxOptions): ProcessSandboxConfig {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const config = {
    ...PROCESS_SANDBOX_DEFAULTS,
    ...Object.fromEntries(given),
  } as ProcessSandboxConfig;
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new RangeError(`${name} must be a number of 0 or more, got ${value}`);
    }
  }
  return config;
}
