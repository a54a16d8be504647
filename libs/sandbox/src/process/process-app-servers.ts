import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppServers, AppServerSpec, RunningAppServer } from '../core/app-servers';
import { processSandboxEnv } from '../core/sandbox-env';
import { SandboxError } from '../core/sandbox-error';
import { SandboxLogBuffer } from '../core/sandbox-log';
import { DevServerProcess } from './dev-server-process';
import type { PortAllocator } from './port-allocator';
import type { ProcessIsolation } from './process-isolation';
import type { ProcessSandboxConfig } from './process-sandbox.config';
import { KeyedQueue } from '../core/keyed-queue';

/** Log lines kept per published server (quoted when it fails to start). */
const APP_SERVER_LOG_LINES = 200;
/** The server part's file name in its folder. */
const BUNDLE_NAME = 'main.mjs';

interface Running {
  buildId: string;
  server: DevServerProcess;
  dir: string;
}

/**
 * Published apps' server parts on this machine: each build's bundle in a folder of its own
 * under `<root>/published`, written by Forge and only readable by the app, run by node in the
 * same bubblewrap sandbox as a dev server (the sandbox user, no Forge files, no network but
 * loopback) with the app's DATABASE_URL, on a port of the dev servers' range. A server that
 * ends is started again by the next request for it.
 */
export class ProcessAppServers implements AppServers {
  private readonly running = new Map<string, Running>();
  /** One change at a time per project (start, replace, stop). */
  private readonly queue = new KeyedQueue();
  private readonly dir: string;
  private closed = false;
  /** Folders an earlier runner left (it ended without stopping its servers), removed once. */
  private swept?: Promise<void>;

  constructor(
    private readonly config: ProcessSandboxConfig,
    private readonly ports: PortAllocator,
    private readonly isolation: ProcessIsolation,
  ) {
    this.dir = join(config.root, 'published');
  }

  async current(projectId: string): Promise<RunningAppServer | null> {
    return this.known(projectId);
  }

  private known(projectId: string): RunningAppServer | null {
    const known = this.running.get(projectId);
    return known && !known.server.hasExited
      ? { buildId: known.buildId, url: known.server.url }
      : null;
  }

  async list(): Promise<string[]> {
    return [...this.running.keys()];
  }

  ensure(spec: AppServerSpec): Promise<string> {
    return this.queue.run(spec.projectId, async () => {
      const known = this.known(spec.projectId);
      if (known?.buildId === spec.buildId) {
        return known.url;
      }
      await this.stopNow(spec.projectId);
      return this.start(spec);
    });
  }

  stop(projectId: string): Promise<void> {
    return this.queue.run(projectId, () => this.stopNow(projectId));
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.keys()].map((projectId) => this.stop(projectId)));
  }

  private async start(spec: AppServerSpec): Promise<string> {
    if (this.closed) {
      throw new SandboxError('DESTROYED', 'the sandbox provider was shut down');
    }
    await this.isolation.ready();
    // Before this provider writes any: every folder there is then an earlier runner's.
    await (this.swept ??= rm(this.dir, { recursive: true, force: true }));
    const dir = join(this.dir, `${spec.projectId}-${spec.buildId}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const script = join(dir, BUNDLE_NAME);
    await writeFile(script, spec.bundle, { mode: 0o644 });
    // The template's main.ts also serves ./dist; the published site's files are Forge's to serve.
    await mkdir(join(dir, 'dist'), { mode: 0o755 });
    // Forge's file, readable by the sandbox user: the app cannot change its own server.
    await chmod(dir, 0o755);
    const port = await this.ports.allocate();
    const server = new DevServerProcess({
      workspaceDir: dir,
      host: this.config.host,
      port,
      maxOldSpaceMb: this.config.devServerMaxOldSpaceMb,
      env: { ...processSandboxEnv(this.config.env), ...spec.env, NODE_ENV: 'production' },
      log: new SandboxLogBuffer(APP_SERVER_LOG_LINES),
      isolation: this.isolation,
      script,
    });
    const running = { buildId: spec.buildId, server, dir };
    this.running.set(spec.projectId, running);
    void server.exited.then(() => this.ports.release(port));
    try {
      await server.waitUntilReady(this.config.devServerReadyTimeoutMs);
    } catch (error) {
      await this.stopNow(spec.projectId);
      throw error;
    }
    return server.url;
  }

  private async stopNow(projectId: string): Promise<void> {
    const known = this.running.get(projectId);
    if (!known) {
      return;
    }
    this.running.delete(projectId);
    await known.server.stop(this.config.stopGraceMs);
    await rm(known.dir, { recursive: true, force: true });
  }
}
