import Dockerode from 'dockerode';
import type { Sandbox, SandboxProvider } from '../sandbox';
import { ContainerSandbox } from './container-sandbox';
import { DockerBackend } from './docker-backend';
import { DockerEngine } from './docker-engine';
import { DOCKER_SANDBOX_DEFAULTS, type DockerSandboxConfig } from './docker-sandbox.config';
import { SandboxError } from './sandbox-error';

/** Project ids become parts of container and volume names. */
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function checkDockerProjectId(projectId: string): void {
  if (!PROJECT_ID.test(projectId)) {
    throw new SandboxError(
      'INVALID_PROJECT_ID',
      `project id "${projectId}" must be 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`,
    );
  }
}

/**
 * Sandboxes as Docker containers, one per project (see DockerBackend). The runner must reach
 * the containers' addresses on the sandbox network: it runs on the Docker host, or in a
 * container attached to that network.
 */
export class DockerSandboxProvider implements SandboxProvider {
  readonly kind = 'docker' as const;
  readonly config: DockerSandboxConfig;
  private readonly engine: DockerEngine;
  private readonly sandboxes = new Map<string, ContainerSandbox<DockerBackend>>();

  constructor(config: Partial<DockerSandboxConfig> = {}, docker?: Dockerode) {
    this.config = { ...DOCKER_SANDBOX_DEFAULTS, ...config };
    this.engine = new DockerEngine(docker ?? new Dockerode(this.config.docker), this.config);
  }

  async get(projectId: string): Promise<Sandbox> {
    return this.sandbox(projectId);
  }

  /** The docker-specific sandbox, with the names of its container and volume. */
  async sandbox(projectId: string): Promise<ContainerSandbox<DockerBackend>> {
    checkDockerProjectId(projectId);
    let sandbox = this.sandboxes.get(projectId);
    if (!sandbox) {
      const backend = new DockerBackend(this.engine, this.config, projectId);
      sandbox = new ContainerSandbox(projectId, backend, {
        idleTimeoutMs: this.config.idleTimeoutMs,
        installTimeoutMs: this.config.installTimeoutMs,
        devServerStartTimeoutMs: this.config.devServerStartTimeoutMs,
        logLines: this.config.logLines,
        onDestroyed: () => this.sandboxes.delete(projectId),
      });
      this.sandboxes.set(projectId, sandbox);
    }
    await sandbox.wake();
    return sandbox;
  }

  async destroy(projectId: string): Promise<void> {
    checkDockerProjectId(projectId);
    const sandbox = this.sandboxes.get(projectId);
    if (sandbox) await sandbox.destroy();
    else await new DockerBackend(this.engine, this.config, projectId).destroy();
  }

  async shutdown(): Promise<void> {
    const sandboxes = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.allSettled(sandboxes.map((sandbox) => sandbox.stop()));
  }
}
