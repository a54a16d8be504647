import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SandboxError } from '../core/sandbox-error';
import type { SandboxLogBuffer } from '../core/sandbox-log';
import { type ProcessIsolation, spawnWrapped } from './process-isolation';
import {
  killProcessGroup,
  parentWatchImport,
  trackProcessGroup,
  untrackProcessGroup,
} from './workspace/process-groups';

/** How often a starting dev server is asked whether it answers, in ms. */
export const READY_PROBE_INTERVAL_MS = 25;
/** Longest wait for one readiness probe, in ms. */
const READY_PROBE_TIMEOUT_MS = 2000;
/** Log lines quoted in the error of a dev server that ends while starting. */
const CRASH_LINES_QUOTED = 15;
const PORT_IN_USE = /port \d+ is already in use/i;

/**
 * Node flags that keep an idle Vite small: V8's young generation is capped at 1 MB a
 * semi-space (the default reserves tens of MB that then stay resident), and the native
 * allocator of Vite's bundler (mimalloc) returns freed memory at once and does not use huge
 * pages. Measured by bench/sandbox-process.mjs.
 */
export const DEV_SERVER_MEMORY_ENV = {
  MIMALLOC_ARENA_EAGER_COMMIT: '0',
  MIMALLOC_PURGE_DELAY: '0',
  MIMALLOC_ALLOW_LARGE_OS_PAGES: '0',
} as const;

export interface DevServerProcessOptions {
  workspaceDir: string;
  host: string;
  port: number;
  /** The dev server's V8 heap limit (--max-old-space-size), in MB. */
  maxOldSpaceMb: number;
  env: NodeJS.ProcessEnv;
  log: SandboxLogBuffer;
  /** Runs the dev server in the workspace's sandbox (as is when isolation is off). */
  isolation?: ProcessIsolation;
  /**
   * The script node runs and its arguments, in place of Vite's dev server (a published app's
   * server part); it must listen on `host`:`port`, given to it as HOST and PORT too.
   */
  script?: string;
}

export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One Vite dev server run as `node node_modules/vite/bin/vite.js` (no shell) in its own process
 * group, its output line by line in the sandbox's log. It stops itself when its parent process
 * disappears (parentWatchImport).
 */
export class DevServerProcess {
  readonly url: string;
  readonly exited: Promise<DevServerExit>;
  /** True once the output said that the port was taken. */
  portInUse = false;
  private exit?: DevServerExit;
  private readonly child: ChildProcess;
  /** Settles when every process holding the server's output is gone (the whole sandbox). */
  private readonly closed: Promise<void>;

  constructor(readonly options: DevServerProcessOptions) {
    this.url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
    const program = options.script
      ? [options.script]
      : [
          join(options.workspaceDir, 'node_modules', 'vite', 'bin', 'vite.js'),
          '--host',
          options.host,
          '--port',
          String(options.port),
          '--strictPort',
        ];
    const args = [
      '--max-semi-space-size=1',
      `--max-old-space-size=${options.maxOldSpaceMb}`,
      parentWatchImport(),
      ...program,
    ];
    const what = options.script ? "the app's server" : 'the dev server';
    options.log.append('system', `starting ${what} on port ${options.port}`);
    const spawned = options.isolation?.wrap(
      process.execPath,
      args,
      options.workspaceDir,
      'dev',
    ) ?? { command: process.execPath, args };
    this.child = spawnWrapped(spawned, {
      cwd: options.workspaceDir,
      env: {
        ...(options.isolation?.env(options.env) ?? options.env),
        ...DEV_SERVER_MEMORY_ENV,
        // CI: no keyboard shortcuts, and Vite does not end when its stdin closes.
        CI: 'true',
        FORGE_DEV_HOST: options.host,
        FORGE_DEV_PORT: String(options.port),
        // A published server part listens where its HOST and PORT say; Vite has its flags.
        ...(options.script ? { HOST: options.host, PORT: String(options.port) } : {}),
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = this.child.pid;
    if (pid !== undefined) {
      trackProcessGroup(pid);
    }
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      const writer = options.log.lineWriter('dev');
      stream.on('data', (chunk: Buffer) => {
        if (PORT_IN_USE.test(chunk.toString('utf8'))) {
          this.portInUse = true;
        }
        writer.write(chunk);
      });
      stream.on('end', () => writer.flush());
    }
    this.closed = new Promise((resolve) => {
      this.child.on('close', () => resolve());
      this.child.on('error', () => resolve());
    });
    this.exited = new Promise((resolve) => {
      const done = (exit: DevServerExit) => {
        if (this.exit) {
          return;
        }
        this.exit = exit;
        if (pid !== undefined) {
          killProcessGroup(pid, 'SIGKILL');
          untrackProcessGroup(pid);
        }
        resolve(exit);
      };
      this.child.on('exit', (code, signal) => done({ code, signal }));
      this.child.on('error', (error) => {
        options.log.append('system', `the dev server could not start: ${error.message}`);
        done({ code: null, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get port(): number {
    return this.options.port;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /**
   * Resolves once the server answers HTTP (any status). Throws START_FAILED when it ends first,
   * DEV_SERVER_TIMEOUT after `timeoutMs`, ABORTED when `signal` aborts; the process is then
   * left to the caller to stop.
   */
  async waitUntilReady(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) {
        throw new SandboxError('ABORTED', 'starting the dev server was cancelled');
      }
      if (this.exit) {
        throw this.startFailure();
      }
      if (await this.answers()) {
        return;
      }
      if (Date.now() > deadline) {
        throw new SandboxError(
          'DEV_SERVER_TIMEOUT',
          `the dev server did not answer within ${timeoutMs} ms (devServerReadyTimeoutMs)`,
        );
      }
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, READY_PROBE_INTERVAL_MS)),
        this.exited,
      ]);
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs: number): Promise<DevServerExit> {
    const pid = this.child.pid;
    if (!this.exit && pid !== undefined) {
      killProcessGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killProcessGroup(pid, 'SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // In a sandbox, bubblewrap ends before the processes of its PID namespace are reaped.
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([
      this.closed,
      new Promise((resolve) => (wait = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(wait);
    return this.exited;
  }

  private async answers(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/`, {
        signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return true;
    } catch {
      return false;
    }
  }

  private startFailure(): SandboxError {
    const lines = this.options.log
      .since(0)
      .filter((line) => line.stream === 'dev')
      .slice(-CRASH_LINES_QUOTED)
      .map((line) => line.text)
      .join('\n');
    const how = this.exit?.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit?.code}`;
    return new SandboxError(
      'START_FAILED',
      `${this.options.script ? "the app's server" : 'the dev server'} ended while starting (${how})${lines ? `:\n${lines}` : ''}`,
    );
  }
}
