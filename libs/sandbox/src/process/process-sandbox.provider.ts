import { realpath, rm, stat } from 'node:fs/promises';
import type { Sandbox, SandboxProvider } from '../core/sandbox';
import { fetchPageModules } from '../core/page-modules';
import { SandboxError } from '../core/sandbox-error';
import { SandboxLogBuffer } from '../core/sandbox-log';
import { createWorkspace } from './workspace/create-workspace';
import { type PreparedTemplate, prepareTemplate } from './workspace/prepare-template';
import { defaultBunPath, processSandboxEnv } from '../core/sandbox-env';
import { DevServerPool, type PooledDevServer } from './dev-server-pool';
import { DevServerProcess } from './dev-server-process';
import { PortAllocator } from './port-allocator';
import { type IsolationStatus, ProcessIsolation, realBinary } from './process-isolation';
import { ProcessAppServers } from './process-app-servers';
import { ProcessSandbox } from './process-sandbox';
import {
  type ProcessSandboxConfig,
  type ProcessSandboxOptions,
  processSandboxConfig,
} from './process-sandbox.config';
import { killDevServersIn, WorkspaceFolders } from './workspace-folders';

/**
 * Sandboxes as workspace folders and Vite child processes on this machine: the default
 * provider. Where bubblewrap works, every command runs isolated (see ProcessIsolation); where it
 * does not, the generated app's code runs with the runner's rights, for one trusted user.
 *
 * When the runner dies: on SIGINT/SIGTERM/SIGHUP or a normal exit every dev server's process
 * group is killed; on SIGKILL nothing runs in the runner, and each dev server notices within a
 * second that its parent is gone and kills its own group (see parentWatchImport).
 */
export class ProcessSandboxProvider implements SandboxProvider {
  readonly kind = 'process' as const;
  readonly config: ProcessSandboxConfig;
  private readonly ports: PortAllocator;
  private readonly store: WorkspaceFolders;
  private readonly pool: DevServerPool;
  private readonly sandboxes = new Map<string, ProcessSandbox>();
  private readonly opening = new Map<string, Promise<ProcessSandbox>>();
  private prepared?: Promise<PreparedTemplate>;
  private swept?: Promise<void>;
  private closed = false;
  readonly isolation: ProcessIsolation;
  readonly appServers: ProcessAppServers;

  constructor(options: ProcessSandboxOptions) {
    this.config = processSandboxConfig(options);
    const base = processSandboxEnv(this.config.env);
    const certs = [base.NODE_EXTRA_CA_CERTS, base.SSL_CERT_FILE].filter(
      (path): path is string => !!path && !path.startsWith('/etc/'),
    );
    this.isolation = new ProcessIsolation({
      mode: this.config.isolation,
      uid: this.config.sandboxUid,
      gid: this.config.sandboxGid,
      memoryMb: this.config.memoryMb,
      pidsMax: this.config.pidsMax,
      cpuSeconds: this.config.cpuSeconds,
      tmpMb: this.config.tmpMb,
      readOnlyPaths: [
        realBinary(process.execPath),
        realBinary(this.config.bunPath ?? defaultBunPath()),
        ...certs,
      ],
    });
    this.ports = new PortAllocator(this.config.host, this.config.portRange);
    this.store = new WorkspaceFolders(this.config.root);
    this.appServers = new ProcessAppServers(this.config, this.ports, this.isolation);
    this.pool = new DevServerPool(this.config.poolSize, {
      create: () => this.createPooled(),
      discard: (entry) => this.discardPooled(entry),
      // Nobody waits on the pool: a failure shows when a project starts its own dev server.
      onError: () => undefined,
    });
  }

  /**
   * Whether this provider's commands run isolated (bubblewrap probed once); throws
   * ISOLATION_UNAVAILABLE when isolation is 'on' and does not work here.
   */
  isolationStatus(): Promise<IsolationStatus> {
    return this.isolation.ready();
  }

  /** Prepares the template and fills the pool now rather than on the first get(). */
  async warmUp(): Promise<void> {
    await this.isolation.ready();
    await this.template();
    await this.pool.fill();
  }

  /** Pooled dev servers waiting for a project. */
  get pooledCount(): number {
    return this.pool.idleCount;
  }

  async get(projectId: string): Promise<Sandbox> {
    return this.open(projectId);
  }

  /** Like get(), with the process provider's own type. */
  async open(projectId: string): Promise<ProcessSandbox> {
    this.store.checkProjectId(projectId);
    if (this.closed) {
      throw new SandboxError('DESTROYED', 'the sandbox provider was shut down');
    }
    const known = this.sandboxes.get(projectId);
    if (known) {
      known.touch();
      return known;
    }
    let opening = this.opening.get(projectId);
    if (!opening) {
      opening = this.attach(projectId).finally(() => this.opening.delete(projectId));
      this.opening.set(projectId, opening);
    }
    return opening;
  }

  async destroy(projectId: string): Promise<void> {
    this.store.checkProjectId(projectId);
    await this.opening.get(projectId)?.catch(() => undefined);
    const known = this.sandboxes.get(projectId);
    if (known) {
      return known.destroy();
    }
    const dir = await this.store.find(projectId);
    await this.store.unlinkProject(projectId);
    if (dir) {
      await killDevServersIn(dir);
      await rm(dir, { recursive: true, force: true });
    }
  }

  async projectIds(): Promise<string[]> {
    return this.store.projectIds();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.opening.values()].map((opening) => opening.catch(() => undefined)));
    await this.pool.close();
    await this.appServers.shutdown();
    const sandboxes = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.all(sandboxes.map((sandbox) => sandbox.stop()));
  }

  private async attach(projectId: string): Promise<ProcessSandbox> {
    await this.isolation.ready();
    this.swept ??= this.store.sweep();
    await this.swept;
    const existing = await this.store.find(projectId);
    if (existing) {
      // A workspace made before isolation was turned on is still Forge's.
      if (this.isolation.changesOwner && (await stat(existing)).uid !== this.config.sandboxUid) {
        await this.isolation.prepareWorkspace(existing);
      }
      return this.track(projectId, existing);
    }

    const pooled = this.pool.take();
    const dir = pooled?.workspaceDir ?? (await this.createWorkspace());
    if (!(await this.store.claim(projectId, dir))) {
      // Another process gave the project a workspace first.
      if (pooled) {
        this.pool.putBack(pooled);
      } else {
        await rm(dir, { recursive: true, force: true });
      }
      const winner = await this.store.find(projectId);
      if (!winner) {
        throw new SandboxError('START_FAILED', `project ${projectId} lost its workspace`);
      }
      return this.track(projectId, winner);
    }
    const sandbox = this.track(projectId, await realpath(dir), pooled);
    // Refilled once the new project's first start and page load are over, not to slow them.
    const settled = sandbox.firstStart.then(
      () => new Promise((resolve) => setTimeout(resolve, this.config.poolRefillDelayMs)),
    );
    void this.pool.fill(settled);
    return sandbox;
  }

  private track(projectId: string, dir: string, pooled?: PooledDevServer): ProcessSandbox {
    const sandbox = new ProcessSandbox(projectId, {
      workspaceDir: dir,
      config: this.config,
      ports: this.ports,
      log: pooled?.log,
      adopt: pooled && { server: pooled.server, ready: pooled.ready },
      unlink: () => this.store.unlinkProject(projectId),
      isolation: this.isolation,
      onDestroyed: () => {
        if (this.sandboxes.get(projectId) === sandbox) {
          this.sandboxes.delete(projectId);
        }
      },
    });
    this.sandboxes.set(projectId, sandbox);
    return sandbox;
  }

  private template(): Promise<PreparedTemplate> {
    this.prepared ??= prepareTemplate(this.config.templateCacheRoot, {
      templateDir: this.config.templateDir,
      bunPath: this.config.bunPath,
      env: this.config.env,
    }).catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async createWorkspace(): Promise<string> {
    await this.isolation.ready();
    const prepared = await this.template();
    const dir = await this.store.newWorkspacePath();
    try {
      await createWorkspace(prepared, dir);
      await this.store.markOwned(dir);
      await this.isolation.prepareWorkspace(dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return dir;
  }

  private async createPooled(): Promise<PooledDevServer> {
    const workspaceDir = await this.createWorkspace();
    const log = new SandboxLogBuffer(this.config.logLines);
    let port: number;
    try {
      port = await this.ports.allocate();
    } catch (error) {
      await rm(workspaceDir, { recursive: true, force: true });
      throw error;
    }
    log.append('system', 'pooled workspace: started before any project asked for it');
    const server = new DevServerProcess({
      workspaceDir,
      host: this.config.host,
      port,
      maxOldSpaceMb: this.config.devServerMaxOldSpaceMb,
      env: processSandboxEnv(this.config.env),
      log,
      isolation: this.isolation,
    });
    // Serving the page once makes Vite bundle the dependencies and compile the template now.
    const ready = server
      .waitUntilReady(this.config.devServerReadyTimeoutMs)
      .then(() => fetchPageModules(server.url))
      .then(() => undefined);
    ready.catch(() => undefined);
    return { workspaceDir, log, server, ready };
  }

  private async discardPooled(entry: PooledDevServer): Promise<void> {
    await entry.server.stop(this.config.stopGraceMs);
    this.ports.release(entry.server.port);
    await rm(entry.workspaceDir, { recursive: true, force: true });
  }
}
