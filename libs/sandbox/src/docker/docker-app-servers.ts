import type Dockerode from 'dockerode';
import type { AppServers, AppServerSpec, RunningAppServer } from '../core/app-servers';
import { containerSandboxEnv } from '../container/container-env';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import { packTar, SANDBOX_UID } from '../container/workspace-tar';
import { SandboxError } from '../core/sandbox-error';
import { dockerStatus, type DockerEngine, httpAnswers, ignoreMissing } from './docker-engine';
import type { DockerSandboxConfig } from './docker-sandbox.config';
import { KeyedQueue } from '../core/keyed-queue';

/**
 * Marks a published app's server container. It also carries forge.managed and the project's
 * label, as a sandbox's objects do: the documented clean-up and the reaper of deleted projects'
 * sandboxes find it with them.
 */
export const APP_SERVER_LABEL = 'forge.app-server';
/** The publication's build a container runs. */
const BUILD_LABEL = 'forge.app-server.build';
/** Where the bundle is, read-only for the app (owned by root), in the container. */
const APP_DIR = '/app';
/** The port the server part listens on in its container (PORT). */
export const APP_SERVER_PORT = 3000;
/** How often a starting server is probed, in ms. */
const PROBE_INTERVAL_MS = 100;
/** Restarts Docker makes of a server that crashes, before it stays down until the next request. */
const RESTARTS = 3;

/**
 * Published apps' server parts as containers, one per published project: the sandbox image
 * and limits, a read-only root file system, no capabilities, the sandbox network (the apps'
 * database and nothing of Forge's), the sandbox user; the bundle on a small volume written
 * before the start, owned by root so the app cannot change it. Docker restarts a crashed server
 * a few times; past that, the next request starts it again. The runner removes those it asked
 * for when it shuts down (the next request starts them again): a container left running on the
 * sandbox network would keep `docker compose down` from removing that network.
 */
export class DockerAppServers implements AppServers {
  /** One change at a time per project (start, replace, stop). */
  private readonly queue = new KeyedQueue();
  /** The projects this runner asked a server for, removed at shutdown. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly engine: DockerEngine,
    private readonly config: DockerSandboxConfig,
  ) {}

  private get docker(): Dockerode {
    return this.engine.docker;
  }

  async current(projectId: string): Promise<RunningAppServer | null> {
    const info = await this.inspect(projectId);
    if (!info?.State.Running) {
      return null;
    }
    const ip = info.NetworkSettings.Networks[this.config.network]?.IPAddress;
    const buildId = info.Config.Labels?.[BUILD_LABEL];
    return ip && buildId ? { buildId, url: `http://${ip}:${APP_SERVER_PORT}` } : null;
  }

  async list(): Promise<string[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${APP_SERVER_LABEL}=true`] },
    });
    // Only this configuration's: another Forge on the same host names its own otherwise.
    return containers.flatMap((container) => {
      const projectId = container.Labels?.[PROJECT_LABEL];
      const name = projectId && `/${this.names(projectId).container}`;
      return name && container.Names.includes(name) ? [projectId] : [];
    });
  }

  ensure(spec: AppServerSpec): Promise<string> {
    this.asked.add(spec.projectId);
    return this.queue.run(spec.projectId, async () => {
      const known = await this.current(spec.projectId);
      if (known?.buildId === spec.buildId) {
        return known.url;
      }
      await this.remove(spec.projectId);
      await this.create(spec);
      const url = await this.waitForAddress(spec.projectId);
      await this.waitUntilAnswering(spec.projectId, url);
      return url;
    });
  }

  stop(projectId: string): Promise<void> {
    this.asked.delete(projectId);
    return this.queue.run(projectId, () => this.remove(projectId));
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.asked].map((projectId) => this.stop(projectId)));
  }

  private names(projectId: string) {
    const container = `${this.config.namePrefix}-${projectId}-app`;
    return { container, volume: `${container}-bundle` };
  }

  private async inspect(projectId: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(this.names(projectId).container).inspect();
    } catch (error) {
      if (dockerStatus(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private async create(spec: AppServerSpec): Promise<void> {
    await this.engine.prepare();
    await this.engine.ensureNetwork();
    const names = this.names(spec.projectId);
    const labels = {
      [APP_SERVER_LABEL]: 'true',
      [MANAGED_LABEL]: 'true',
      [PROJECT_LABEL]: spec.projectId,
    };
    await this.docker.createVolume({ Name: names.volume, Labels: labels });
    const env = {
      ...containerSandboxEnv(this.config),
      ...spec.env,
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: String(APP_SERVER_PORT),
    };
    const container = await this.docker.createContainer({
      name: names.container,
      Image: this.config.image,
      Labels: { ...labels, [BUILD_LABEL]: spec.buildId },
      User: `${SANDBOX_UID}:${SANDBOX_UID}`,
      WorkingDir: APP_DIR,
      Cmd: ['node', `${APP_DIR}/main.mjs`],
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      ExposedPorts: { [`${APP_SERVER_PORT}/tcp`]: {} },
      HostConfig: {
        Memory: this.config.memoryBytes,
        MemorySwap: this.config.memoryBytes,
        NanoCpus: this.config.nanoCpus,
        PidsLimit: this.config.pidsLimit,
        Privileged: false,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.config.tmpBytes},mode=1777` },
        Mounts: [{ Type: 'volume', Source: names.volume, Target: APP_DIR }],
        NetworkMode: this.config.network,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: RESTARTS },
      },
    });
    // Written before the start, into the volume (the root file system is read-only).
    await container.putArchive(await bundleTar(spec.bundle), { path: APP_DIR });
    await container.start();
  }

  private async waitForAddress(projectId: string): Promise<string> {
    const deadline = Date.now() + this.config.devServerStartTimeoutMs;
    for (;;) {
      const info = await this.inspect(projectId);
      const ip = info?.NetworkSettings.Networks[this.config.network]?.IPAddress;
      if (ip) {
        return `http://${ip}:${APP_SERVER_PORT}`;
      }
      if (Date.now() > deadline) {
        throw this.timeout();
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  }

  private async waitUntilAnswering(projectId: string, url: string): Promise<void> {
    const deadline = Date.now() + this.config.devServerStartTimeoutMs;
    while (!(await httpAnswers(url))) {
      const info = await this.inspect(projectId);
      // Ended, or ended and being restarted by Docker: either way it did not start.
      if (info && (info.RestartCount > 0 || ['exited', 'dead'].includes(info.State.Status))) {
        throw new SandboxError(
          'START_FAILED',
          `the app's server ended while starting (exit code ${info.State.ExitCode}):\n${await this.logTail(projectId)}`,
        );
      }
      if (Date.now() > deadline) {
        throw this.timeout();
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  }

  private timeout(): SandboxError {
    return new SandboxError(
      'DEV_SERVER_TIMEOUT',
      `the app's server did not answer within ${this.config.devServerStartTimeoutMs} ms (devServerStartTimeoutMs)`,
    );
  }

  private async logTail(projectId: string): Promise<string> {
    try {
      const container = this.docker.getContainer(this.names(projectId).container);
      const raw = (await container.logs({ stdout: true, stderr: true, tail: 15 })) as Buffer;
      return demuxText(raw);
    } catch {
      return '(no log)';
    }
  }

  private async remove(projectId: string): Promise<void> {
    const names = this.names(projectId);
    await ignoreMissing(this.docker.getContainer(names.container).remove({ force: true }));
    await ignoreMissing(this.docker.getVolume(names.volume).remove());
  }
}

/** main.mjs and an empty dist/ (the template's main.ts serves it), both owned by root. */
function bundleTar(bundle: Buffer): Promise<Buffer> {
  const owner = { uid: 0, gid: 0, mtime: new Date() };
  return packTar((tar) => {
    tar.entry({ name: 'dist', type: 'directory', mode: 0o755, ...owner });
    tar.entry({ name: 'main.mjs', mode: 0o644, ...owner }, bundle);
  });
}

/** Docker's multiplexed log stream (8-byte frame headers) as text. */
function demuxText(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8').trim();
}
