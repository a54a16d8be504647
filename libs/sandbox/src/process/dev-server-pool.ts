import type { SandboxLogBuffer } from '../core/sandbox-log';
import type { DevServerProcess } from './dev-server-process';

/** A prepared workspace with a dev server started (and warmed) ahead of demand. */
export interface PooledDevServer {
  workspaceDir: string;
  log: SandboxLogBuffer;
  server: DevServerProcess;
  /** Settles once the server answers and has served the template's page once. */
  ready: Promise<void>;
}

export interface DevServerPoolHooks {
  create(): Promise<PooledDevServer>;
  /** Stops the server and removes its workspace. */
  discard(entry: PooledDevServer): Promise<void>;
  onError(error: Error): void;
}

/**
 * Up to `size` dev servers started before any project asks, so that a new project's first
 * preview only waits for its own files. Filled one server at a time, after whatever the caller
 * says to wait for (a project's own start comes first on a small machine). A failed creation
 * stops the filling until the next take(), so a broken template cannot loop.
 */
export class DevServerPool {
  private readonly entries: PooledDevServer[] = [];
  private filling?: Promise<void>;
  private closed = false;
  private markClosed!: () => void;
  // Ends the wait before a refill at once when the pool closes.
  private readonly whenClosed = new Promise<void>((resolve) => (this.markClosed = resolve));

  constructor(
    private readonly size: number,
    private readonly hooks: DevServerPoolHooks,
  ) {}

  get idleCount(): number {
    return this.entries.length;
  }

  /** A pooled server (ready or still starting), or undefined when the pool is empty. */
  take(): PooledDevServer | undefined {
    return this.entries.shift();
  }

  /** Gives back an entry taken but not used. */
  putBack(entry: PooledDevServer): void {
    if (this.closed || entry.server.hasExited) {
      void this.hooks.discard(entry);
    } else {
      this.entries.unshift(entry);
    }
  }

  /** Starts filling the pool (after `after` settles) unless it is full or filling already. */
  fill(after?: Promise<unknown>): Promise<void> {
    if (this.closed || this.size === 0) {
      return Promise.resolve();
    }
    this.filling ??= this.fillLoop(after).finally(() => (this.filling = undefined));
    return this.filling;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.markClosed();
    await this.filling;
    const entries = this.entries.splice(0);
    await Promise.all(entries.map((entry) => this.hooks.discard(entry)));
  }

  private async fillLoop(after?: Promise<unknown>): Promise<void> {
    await Promise.race([after?.catch(() => undefined), this.whenClosed]);
    while (!this.closed && this.entries.length < this.size) {
      let entry: PooledDevServer;
      try {
        entry = await this.hooks.create();
      } catch (error) {
        this.hooks.onError(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (this.closed) {
        await this.hooks.discard(entry);
        return;
      }
      this.entries.push(entry);
      // A pooled server that dies is replaced.
      void entry.server.exited.then(() => {
        const index = this.entries.indexOf(entry);
        if (index === -1) {
          return;
        }
        this.entries.splice(index, 1);
        void this.hooks.discard(entry);
        void this.fill();
      });
      const ok = await entry.ready.then(
        () => true,
        () => false,
      );
      if (!ok) {
        // Taken meanwhile, the entry belongs to its project, which starts its own server.
        const index = this.entries.indexOf(entry);
        if (index === -1) {
          continue;
        }
        this.entries.splice(index, 1);
        await this.hooks.discard(entry);
        this.hooks.onError(new Error('a pooled dev server did not become ready'));
        return;
      }
    }
  }
}
