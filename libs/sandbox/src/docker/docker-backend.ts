import type Dockerode from 'dockerode';
import type { ContainerBackend, ExecRequest, ExecResult } from '../container/container-backend';
import { dockerExec } from './docker-exec';
import { containerSandboxEnv, SANDBOX_CA_BUNDLE_PATH } from '../container/container-env';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import { dockerStatus, type DockerEngine, httpAnswers, ignoreMissing } from './docker-engine';
import type { DockerSandboxConfig } from './docker-sandbox.config';
import {
  DEV_SERVER_PORT,
  prepareWorkspaceCommand,
  WORKSPACE_DIR,
} from '../container/sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import { SANDBOX_UID } from '../container/workspace-tar';

/** Size of the sandbox user's home (a tmpfs: bun and Vite may write small files there). */
const HOME_TMPFS_BYTES = 64 * 1024 * 1024;

/**
 * One project's container on a Docker engine: created from the sandbox image with its limits,
 * its workspace on a named volume (so files survive restarts and re-creation), on the sandbox
 * network, where the runner reaches the dev server at the container's IP, port 5173.
 */
export class DockerBackend implements ContainerBackend {
  readonly containerName: string;
  readonly volumeName: string;

  constructor(
    private readonly engine: DockerEngine,
    private readonly config: DockerSandboxConfig,
    readonly projectId: string,
  ) {
    this.containerName = `${config.namePrefix}-${projectId}`;
    this.volumeName = `${config.namePrefix}-${projectId}-workspace`;
  }

  private get docker(): Dockerode {
    return this.engine.docker;
  }

  private get container(): Dockerode.Container {
    return this.docker.getContainer(this.containerName);
  }

  async state(): Promise<'absent' | 'stopped' | 'running'> {
    const info = await this.inspect();
    if (!info) {
      return 'absent';
    }
    return info.State.Running ? 'running' : 'stopped';
  }

  async ensureRunning(): Promise<boolean> {
    const info = await this.inspect();
    if (info?.State.Running) {
      return false;
    }
    await this.engine.prepare();
    const networkId = await this.engine.ensureNetwork();
    const imageId = (await this.docker.getImage(this.config.image).inspect()).Id;
    // A stopped container is replaced when it wakes if its image changed or its network is gone
    // (compose `down` then `up` recreates the network under a new id, which the old container
    // still names); the files stay on the volume (their node_modules too: a changed template
    // reaches new projects only).
    const stale = info !== undefined && staleness(info, imageId, this.config.network, networkId);
    if (stale) {
      await this.replaceStopped();
    }
    if (!info || stale) {
      await this.create();
    }
    try {
      await this.container.start();
    } catch (error) {
      // 304: started meanwhile by another caller.
      if (dockerStatus(error) === 304) {
        // nothing to do
      } else if (dockerStatus(error) === 404 && (await this.state()) === 'stopped') {
        // The network or image went away between the checks above and the start (404 names
        // them: "network … not found"): once more from a new container on the same volume.
        await this.replaceStopped();
        await this.engine.ensureNetwork();
        await this.create();
        await this.container.start();
      } else {
        throw error;
      }
    }
    const prepared = await this.exec({ argv: prepareWorkspaceCommand() });
    if (prepared.exitCode !== 0) {
      throw new SandboxError(
        'START_FAILED',
        `copying the template into the workspace failed (exit code ${prepared.exitCode}): ${prepared.stderr.toString('utf8').trim()}`,
      );
    }
    return true;
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    return dockerExec(this.docker, this.container, request);
  }

  async putArchive(tar: Buffer): Promise<void> {
    try {
      // noOverwriteDirNonDir: a folder entry meeting a file or symbolic link fails instead of
      // writing through it. Owners come from the tar headers (the sandbox user).
      await this.container.putArchive(tar, { path: WORKSPACE_DIR, noOverwriteDirNonDir: true });
    } catch (error) {
      // 400, 403, 500: the engine refused the archive (a folder meeting a link, a read-only
      // path); anything else (the engine is gone) goes up as it is.
      if ([400, 403, 500].includes(dockerStatus(error) ?? 0)) {
        throw new SandboxError('COMMAND_FAILED', `writing the files failed: ${describe(error)}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  // Not cached: the address can change when the container is restarted from outside.
  async devServerUrl(): Promise<string> {
    const info = await this.inspect();
    const ip = info?.NetworkSettings.Networks[this.config.network]?.IPAddress;
    if (!ip) {
      throw new SandboxError(
        'START_FAILED',
        `container ${this.containerName} has no address on network ${this.config.network}`,
      );
    }
    return `http://${ip}:${DEV_SERVER_PORT}`;
  }

  async devServerAnswers(): Promise<boolean> {
    return httpAnswers(await this.devServerUrl());
  }

  async stop(): Promise<void> {
    try {
      await this.container.stop({ t: this.config.stopTimeoutS });
    } catch (error) {
      // 304: not running; 404: not there.
      if (dockerStatus(error) !== 304 && dockerStatus(error) !== 404) {
        throw error;
      }
    }
  }

  async destroy(): Promise<void> {
    const labels = [`${PROJECT_LABEL}=${this.projectId}`, `${MANAGED_LABEL}=true`];
    // By label as well as by name: whatever an earlier configuration created goes too.
    const containers = await this.docker.listContainers({ all: true, filters: { label: labels } });
    const names = new Set([this.containerName, ...containers.map((c) => c.Id)]);
    for (const name of names) {
      await ignoreMissing(this.docker.getContainer(name).remove({ force: true, v: true }));
    }
    const { Volumes } = await this.docker.listVolumes({ filters: { label: labels } });
    const volumes = new Set([this.volumeName, ...(Volumes ?? []).map((v) => v.Name)]);
    for (const name of volumes) {
      await ignoreMissing(this.docker.getVolume(name).remove());
    }
  }

  /** Removes the stopped container, keeping its volume; a missing one is fine. */
  private async replaceStopped(): Promise<void> {
    await ignoreMissing(this.container.remove({ force: true }));
  }

  private async inspect(): Promise<Dockerode.ContainerInspectInfo | undefined> {
    try {
      return await this.container.inspect();
    } catch (error) {
      if (dockerStatus(error) === 404) {
        return undefined;
      }
      if (dockerStatus(error) === undefined) {
        throw new SandboxError(
          'ENGINE_UNAVAILABLE',
          `the Docker engine does not answer (${String(error)}); start it, e.g. with libs/sandbox/image/ensure-dockerd.sh`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  private async create(): Promise<void> {
    const config = this.config;
    const labels = { [PROJECT_LABEL]: this.projectId, [MANAGED_LABEL]: 'true' };
    await this.docker.createVolume({ Name: this.volumeName, Labels: labels });
    const mounts: Dockerode.MountSettings[] = [
      { Type: 'volume', Source: this.volumeName, Target: WORKSPACE_DIR },
    ];
    if (config.caBundlePath) {
      mounts.push({
        Type: 'bind',
        Source: config.caBundlePath,
        Target: SANDBOX_CA_BUNDLE_PATH,
        ReadOnly: true,
      });
    }
    const env = Object.entries(containerSandboxEnv(config)).map(
      ([key, value]) => `${key}=${value}`,
    );
    try {
      await this.docker.createContainer({
        name: this.containerName,
        Image: config.image,
        Labels: labels,
        User: `${SANDBOX_UID}:${SANDBOX_UID}`,
        WorkingDir: WORKSPACE_DIR,
        Env: env,
        ExposedPorts: { [`${DEV_SERVER_PORT}/tcp`]: {} },
        HostConfig: {
          Memory: config.memoryBytes,
          MemorySwap: config.memoryBytes,
          NanoCpus: config.nanoCpus,
          PidsLimit: config.pidsLimit,
          Privileged: false,
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges:true'],
          ReadonlyRootfs: true,
          Tmpfs: {
            '/tmp': `rw,nosuid,nodev,size=${config.tmpBytes},mode=1777`,
            '/home/sandbox': `rw,nosuid,nodev,size=${HOME_TMPFS_BYTES},uid=${SANDBOX_UID},gid=${SANDBOX_UID},mode=0755`,
          },
          Mounts: mounts,
          NetworkMode: config.network,
          RestartPolicy: { Name: 'no' },
        },
      });
    } catch (error) {
      // 409: another runner created it at the same moment.
      if (dockerStatus(error) !== 409) {
        throw error;
      }
    }
  }
}

/** Why a stopped container cannot simply be started again, or undefined when it can. */
function staleness(
  info: Dockerode.ContainerInspectInfo,
  imageId: string,
  network: string,
  networkId: string,
): 'image' | 'network' | undefined {
  if (info.Image !== imageId) {
    return 'image';
  }
  const attached = info.NetworkSettings.Networks[network];
  if (!attached || attached.NetworkID !== networkId) {
    return 'network';
  }
  return undefined;
}

function describe(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? String(error);
}
