import type { DevServer, SandboxStatus } from '../core/sandbox';
import type { ContainerBackend } from './container-backend';
import {
  DEV_SERVER_PID_FILE,
  devServerCommand,
  isAliveCommand,
  killCommand,
} from './sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import type { SandboxLogBuffer } from '../core/sandbox-log';
import { runStoppable, STOP_GRACE_MS, type StoppableResult } from './stoppable-command';
import { appEnvEntries } from '../core/sandbox-env';

export type DevServerState = 'idle' | 'starting' | 'running' | 'crashed';

/** How often a starting dev server is probed, in ms. */
export const DEV_SERVER_PROBE_INTERVAL_MS = 25;
/** Log lines quoted in the error of a dev server that exits while starting. */
const CRASH_LINES_QUOTED = 15;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Vite dev server of one sandbox: started by an exec whose output feeds the log, watched
 * until it answers, marked crashed when the exec ends on its own. One started by an earlier
 * runner process is adopted when it still answers (its output is then not captured).
 */
export class ContainerDevServerSupervisor {
  private state: DevServerState = 'idle';
  private launching?: Promise<DevServer>;
  // Bumped by reset(), so that the end of an exec from before a restart changes nothing.
  private generation = 0;
  // False once this process has seen the container start: no earlier server can be running.
  private mayAdopt = true;
  /** The app's own variables (DATABASE_URL) for the next start. */
  private appEnv: [string, string][] = [];
  private appEnvKey = '[]';
  /** Those the current server started with; undefined for one adopted from an earlier runner. */
  private serverAppEnvKey?: string;

  constructor(
    private readonly backend: ContainerBackend,
    private readonly log: SandboxLogBuffer,
    private readonly startTimeoutMs: number,
  ) {}

  get current(): DevServerState {
    return this.state;
  }

  async start(signal?: AbortSignal): Promise<DevServer> {
    if (this.state === 'running') {
      return { url: await this.backend.devServerUrl() };
    }
    this.launching ??= this.launch(signal).finally(() => (this.launching = undefined));
    return this.launching;
  }

  async status(): Promise<SandboxStatus> {
    if (this.state === 'idle') {
      return (await this.backend.devServerAnswers()) ? 'running' : 'stopped';
    }
    return this.state;
  }

  /**
   * Sets the app's variables for the next start; true when a server runs (or starts) with others
   * and needs restart(). One adopted from an earlier runner is taken to have them.
   */
  setAppEnv(env: Record<string, string>): boolean {
    const { entries, key } = appEnvEntries(env);
    this.appEnv = entries;
    this.appEnvKey = key;
    if (this.state !== 'running' && this.state !== 'starting') {
      return false;
    }
    return this.serverAppEnvKey !== undefined && this.serverAppEnvKey !== key;
  }

  /** Stops the dev server and starts it again (to take new variables). */
  async restart(signal?: AbortSignal): Promise<DevServer> {
    await this.launching?.catch(() => undefined);
    this.log.append('system', "the app's variables changed: restarting the dev server");
    await this.kill(this.generation);
    this.mayAdopt = false;
    return this.start(signal);
  }

  /** Forgets the server after the container stopped or started: its processes are gone. */
  reset(): void {
    this.generation++;
    this.state = 'idle';
  }

  /** The container was (re)started by this process, so no dev server runs in it yet. */
  containerStarted(): void {
    this.reset();
    this.mayAdopt = false;
  }

  private async launch(signal?: AbortSignal): Promise<DevServer> {
    if (this.state === 'idle' && this.mayAdopt && (await this.adoptRunning())) {
      return { url: await this.backend.devServerUrl() };
    }
    const generation = ++this.generation;
    this.state = 'starting';
    this.serverAppEnvKey = this.appEnvKey;
    this.log.append('system', `starting the dev server: ${devServerCommand().join(' ')}`);
    const stdout = this.log.lineWriter('dev');
    const stderr = this.log.lineWriter('dev');
    let ended: StoppableResult | Error | undefined;
    // Not given `signal`: that cancels this start, not the server once it is up.
    void runStoppable(this.backend, devServerCommand(this.appEnv), {
      name: 'dev-server',
      pidFile: DEV_SERVER_PID_FILE,
      onOutput: (stream, chunk) => (stream === 'stdout' ? stdout : stderr).write(chunk),
    })
      .then(
        (result) => (ended = result),
        (error: unknown) => (ended = error instanceof Error ? error : new Error(String(error))),
      )
      .finally(() => {
        stdout.flush();
        stderr.flush();
        this.exited(generation, ended);
      });

    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      if (ended) {
        const lines = this.log
          .since(0)
          .filter((line) => line.stream === 'dev')
          .slice(-CRASH_LINES_QUOTED)
          .map((line) => line.text);
        throw new SandboxError(
          'DEV_SERVER_CRASHED',
          `the dev server exited (${describeEnd(ended)}) before it answered:\n${lines.join('\n')}`,
        );
      }
      if (signal?.aborted) {
        await this.kill(generation);
        throw new SandboxError('ABORTED', 'starting the dev server was cancelled');
      }
      if (Date.now() > deadline) {
        await this.kill(generation);
        throw new SandboxError(
          'DEV_SERVER_TIMEOUT',
          `the dev server did not answer within ${this.startTimeoutMs} ms (devServerStartTimeoutMs)`,
        );
      }
      if (await this.backend.devServerAnswers()) {
        if (generation === this.generation) {
          this.state = 'running';
        }
        const url = await this.backend.devServerUrl();
        this.log.append('system', `the dev server answers at ${url}`);
        return { url };
      }
      await sleep(DEV_SERVER_PROBE_INTERVAL_MS);
    }
  }

  /** Takes over a server left running by an earlier runner process, or stops a hung one. */
  private async adoptRunning(): Promise<boolean> {
    const alive = await this.backend.exec({ argv: isAliveCommand(DEV_SERVER_PID_FILE) });
    if (alive.exitCode !== 0) {
      return false;
    }
    if (await this.backend.devServerAnswers()) {
      this.state = 'running';
      this.serverAppEnvKey = undefined;
      this.log.append(
        'system',
        'the dev server was already running; its earlier output is not here',
      );
      return true;
    }
    await this.backend.exec({ argv: killCommand(DEV_SERVER_PID_FILE, STOP_GRACE_MS) });
    return false;
  }

  private async kill(generation: number): Promise<void> {
    if (generation === this.generation) {
      this.reset();
    }
    await this.backend.exec({ argv: killCommand(DEV_SERVER_PID_FILE, STOP_GRACE_MS) });
  }

  private exited(generation: number, ended: StoppableResult | Error | undefined): void {
    if (generation !== this.generation) {
      return;
    }
    this.state = 'crashed';
    this.log.append('system', `the dev server exited (${describeEnd(ended)})`);
  }
}

function describeEnd(ended: StoppableResult | Error | undefined): string {
  if (ended === undefined) {
    return 'unknown';
  }
  if (ended instanceof Error) {
    return `connection lost: ${ended.message}`;
  }
  return ended.exitCode === null ? 'exit code unknown' : `exit code ${ended.exitCode}`;
}
