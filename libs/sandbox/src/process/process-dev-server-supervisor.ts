import type { DevServer, SandboxStatus } from '../core/sandbox';
import { SandboxError } from '../core/sandbox-error';
import type { SandboxLogBuffer } from '../core/sandbox-log';
import { appEnvEntries, processSandboxEnv } from '../core/sandbox-env';
import { DevServerProcess } from './dev-server-process';
import type { PortAllocator } from './port-allocator';
import type { ProcessIsolation } from './process-isolation';
import type { ProcessSandboxConfig } from './process-sandbox.config';

/** Ports tried when a dev server finds its port taken by another program. */
export const PORT_ATTEMPTS = 3;

type State = Exclude<SandboxStatus, 'absent'>;

/**
 * Keeps one workspace's dev server: starts it (idempotent), notices when it dies, restarts it
 * after restartBackoffMs (doubling, up to maxRestartBackoffMs) at most maxAutoRestarts times,
 * and otherwise leaves it 'crashed' until the next start.
 */
export class ProcessDevServerSupervisor {
  private state: State = 'stopped';
  private current?: DevServerProcess;
  private starting?: { generation: number; promise: Promise<DevServer> };
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;
  private stableTimer?: NodeJS.Timeout;
  // Bumped by stop(): a start begun before gives up quietly and leaves the state alone.
  private generation = 0;
  /** The app's own variables (DATABASE_URL), and those the current server was started with. */
  private appEnv: Record<string, string> = {};
  private appEnvKey = '[]';
  private serverAppEnvKey = '[]';

  constructor(
    private readonly workspaceDir: string,
    private readonly config: ProcessSandboxConfig,
    private readonly ports: PortAllocator,
    private readonly log: SandboxLogBuffer,
    private readonly isolation?: ProcessIsolation,
  ) {}

  get status(): State {
    return this.state;
  }

  get pid(): number | undefined {
    return this.current?.hasExited ? undefined : this.current?.pid;
  }

  /** Takes over a dev server started elsewhere (the pool) in this workspace. */
  adopt(server: DevServerProcess, ready: Promise<void>): void {
    this.state = 'starting';
    this.serverAppEnvKey = '[]';
    this.watch(server);
    const generation = this.generation;
    this.begin(() =>
      ready.then(
        () => this.becameReady(server, generation),
        async (error: Error) => {
          this.log.append(
            'system',
            `the pooled dev server failed (${error.message}); starting anew`,
          );
          await this.discard(server);
          if (generation !== this.generation) {
            throw stoppedWhileStarting();
          }
          return this.launch();
        },
      ),
    ).catch(() => undefined);
  }

  async start(signal?: AbortSignal): Promise<DevServer> {
    if (this.state === 'running' && this.current) {
      return { url: this.current.url };
    }
    if (this.starting?.generation === this.generation) {
      return this.starting.promise;
    }
    this.restarts = 0;
    this.clearRestart();
    return this.begin(() => this.launch(signal));
  }

  /** Sets the app's variables; a server started with others is restarted (true). */
  async setAppEnv(env: Record<string, string>, signal?: AbortSignal): Promise<boolean> {
    const { entries, key } = appEnvEntries(env);
    this.appEnv = Object.fromEntries(entries);
    this.appEnvKey = key;
    const live = this.current !== undefined || this.starting !== undefined;
    if (!live || this.serverAppEnvKey === key) {
      return false;
    }
    this.log.append('system', "the app's variables changed: restarting the dev server");
    await this.stop();
    await this.start(signal);
    return true;
  }

  async stop(): Promise<void> {
    const generation = ++this.generation;
    this.clearRestart();
    const server = this.current;
    this.current = undefined;
    if (server) {
      await this.discard(server);
      this.log.append('system', 'the dev server stopped');
    }
    // Unless a start or a stop begun since then owns the state now.
    const startedSince = this.starting !== undefined && this.starting.generation >= generation;
    if (this.generation === generation && !startedSince) {
      this.state = 'stopped';
    }
  }

  private begin(launch: () => Promise<DevServer>): Promise<DevServer> {
    const entry = { generation: this.generation, promise: launch() };
    this.starting = entry;
    void entry.promise
      .finally(() => {
        if (this.starting === entry) {
          this.starting = undefined;
        }
      })
      .catch(() => undefined);
    return entry.promise;
  }

  private async launch(signal?: AbortSignal): Promise<DevServer> {
    const generation = this.generation;
    for (let attempt = 1; ; attempt++) {
      this.state = 'starting';
      this.serverAppEnvKey = this.appEnvKey;
      const port = await this.ports.allocate();
      const server = new DevServerProcess({
        workspaceDir: this.workspaceDir,
        host: this.config.host,
        port,
        maxOldSpaceMb: this.config.devServerMaxOldSpaceMb,
        env: processSandboxEnv({ ...this.config.env, ...this.appEnv }),
        log: this.log,
        isolation: this.isolation,
      });
      this.watch(server);
      try {
        await server.waitUntilReady(this.config.devServerReadyTimeoutMs, signal);
        return this.becameReady(server, generation);
      } catch (error) {
        await this.discard(server);
        if (generation !== this.generation) {
          throw stoppedWhileStarting();
        }
        if (server.portInUse && attempt < PORT_ATTEMPTS) {
          continue;
        }
        const aborted = error instanceof SandboxError && error.code === 'ABORTED';
        this.state = aborted ? 'stopped' : 'crashed';
        throw error;
      }
    }
  }

  /** Stops a server this supervisor no longer wants and frees its port. */
  private async discard(server: DevServerProcess): Promise<void> {
    if (this.current === server) {
      this.current = undefined;
    }
    await server.stop(this.config.stopGraceMs);
    this.ports.release(server.port);
  }

  private watch(server: DevServerProcess): void {
    this.current = server;
    void server.exited.then((exit) => {
      if (this.current !== server) {
        return;
      }
      this.current = undefined;
      this.ports.release(server.port);
      const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      this.log.append('system', `the dev server ended (${how})`);
      const wasRunning = this.state === 'running';
      this.state = 'crashed';
      if (wasRunning) {
        this.scheduleRestart();
      }
    });
  }

  private becameReady(server: DevServerProcess, generation: number): DevServer {
    if (generation !== this.generation) {
      throw stoppedWhileStarting();
    }
    if (this.current !== server || server.hasExited) {
      throw new SandboxError('DEV_SERVER_CRASHED', 'the dev server ended as it became ready');
    }
    this.state = 'running';
    this.log.append('system', `the dev server answers at ${server.url}`);
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => (this.restarts = 0), this.config.restartStableMs);
    this.stableTimer.unref();
    return { url: server.url };
  }

  private scheduleRestart(): void {
    clearTimeout(this.stableTimer);
    if (this.restarts >= this.config.maxAutoRestarts) {
      this.log.append(
        'system',
        `not restarting after ${this.restarts} automatic restarts (maxAutoRestarts); the next start will`,
      );
      return;
    }
    const delay = Math.min(
      this.config.restartBackoffMs * 2 ** this.restarts,
      this.config.maxRestartBackoffMs,
    );
    this.restarts++;
    this.log.append('system', `restarting the dev server in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== 'crashed' || this.starting) {
        return;
      }
      this.begin(() => this.launch()).catch((error: Error) => {
        this.log.append('system', `the automatic restart failed: ${error.message}`);
        if (this.state === 'crashed') {
          this.scheduleRestart();
        }
      });
    }, delay);
    this.restartTimer.unref();
  }

  private clearRestart(): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.stableTimer);
    this.restartTimer = undefined;
  }
}

function stoppedWhileStarting(): SandboxError {
  return new SandboxError('ABORTED', 'the sandbox was stopped while its dev server was starting');
}
