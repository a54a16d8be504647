import { request } from 'node:http';
import type Dockerode from 'dockerode';
import type { DockerSandboxConfig } from './docker-sandbox.config';
import { MANAGED_LABEL } from '../container/container-labels';
import { SandboxError } from '../core/sandbox-error';

/** The status code of a failed Docker API call, when there is one. */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * What every sandbox of one provider needs from the engine, checked once: the engine answers,
 * the image is there, the network exists. Warns when the storage driver is not overlay2 (with
 * vfs each container is a full copy of the image: seconds to create and hundreds of MB).
 */
export class DockerEngine {
  private ready?: Promise<void>;

  constructor(
    readonly docker: Dockerode,
    private readonly config: DockerSandboxConfig,
  ) {}

  prepare(): Promise<void> {
    this.ready ??= this.check().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async check(): Promise<void> {
    let info: { Driver?: string };
    try {
      info = (await this.docker.info()) as { Driver?: string };
    } catch (error) {
      throw new SandboxError(
        'ENGINE_UNAVAILABLE',
        `the Docker engine does not answer (${String(error)}); start it, e.g. with libs/sandbox/image/ensure-dockerd.sh`,
        { cause: error },
      );
    }
    if (info.Driver !== 'overlay2') {
      const warn = this.config.warn ?? ((message: string) => process.emitWarning(message));
      warn(
        `the Docker storage driver is "${info.Driver}", not overlay2: sandbox containers will be slow to create and use far more disk (run dockerd --storage-driver=overlay2)`,
      );
    }
    try {
      await this.docker.getImage(this.config.image).inspect();
    } catch (error) {
      if (dockerStatus(error) !== 404) {
        throw error;
      }
      throw new SandboxError(
        'IMAGE_MISSING',
        `the sandbox image ${this.config.image} is not there; build it with libs/sandbox/image/build-offline.sh, or docker build -f libs/sandbox/image/Dockerfile -t ${this.config.image} libs/sandbox`,
      );
    }
    await this.ensureNetwork();
  }

  /**
   * The id of the sandbox network, created when missing. Not cached: `docker compose down` and
   * `up` (or an operator) can remove and recreate it under another id at any time.
   */
  async ensureNetwork(): Promise<string> {
    const existing = await this.networkId();
    if (existing) {
      return existing;
    }
    try {
      await this.docker.createNetwork({
        Name: this.config.network,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [MANAGED_LABEL]: 'true' },
        // Sandboxes reach the outside (the npm registry) and the host reaches them, but they
        // cannot reach one another.
        Options: { 'com.docker.network.bridge.enable_icc': 'false' },
      });
    } catch (error) {
      // Another runner created it at the same moment.
      if (dockerStatus(error) !== 409) {
        throw error;
      }
    }
    const created = await this.networkId();
    if (!created) {
      throw new SandboxError(
        'START_FAILED',
        `the sandbox network ${this.config.network} disappeared right after it was created`,
      );
    }
    return created;
  }

  private async networkId(): Promise<string | undefined> {
    try {
      return ((await this.docker.getNetwork(this.config.network).inspect()) as { Id: string }).Id;
    } catch (error) {
      if (dockerStatus(error) !== 404) {
        throw error;
      }
      return undefined;
    }
  }
}

/** Waits for a removal; an object already gone (404) is fine. */
export async function ignoreMissing(removal: Promise<unknown>): Promise<void> {
  try {
    await removal;
  } catch (error) {
    if (dockerStatus(error) !== 404) {
      throw error;
    }
  }
}

/** How long one HTTP probe of a server in a container may take, in ms. */
const PROBE_TIMEOUT_MS = 1000;

/** Whether a server answers HTTP at `url` (any status) within PROBE_TIMEOUT_MS. */
export function httpAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request(
      url,
      { method: 'GET', agent: false, timeout: PROBE_TIMEOUT_MS },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    probe.on('timeout', () => probe.destroy());
    probe.on('error', () => resolve(false));
    probe.end();
  });
}
