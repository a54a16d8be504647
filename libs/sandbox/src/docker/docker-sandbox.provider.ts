import Dockerode from 'dockerode';
import {
  ContainerSandboxProvider,
  containerSandboxOptions,
} from '../container/container-sandbox.provider';
import { DockerAppServers } from './docker-app-servers';
import { DockerBackend } from './docker-backend';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import { DockerEngine } from './docker-engine';
import { DOCKER_SANDBOX_DEFAULTS, type DockerSandboxConfig } from './docker-sandbox.config';
import { SandboxError } from '../core/sandbox-error';

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

function isProjectId(value: string | undefined): value is string {
  return value !== undefined && PROJECT_ID.test(value);
}

/**
 * Sandboxes as Docker containers, one per project (see DockerBackend). The runner must reach
 * the containers' addresses on the sandbox network: it runs on the Docker host, or in a
 * container attached to that network.
 */
export class DockerSandboxProvider extends ContainerSandboxProvider<DockerBackend> {
  readonly kind = 'docker' as const;
  readonly config: DockerSandboxConfig;
  private readonly engine: DockerEngine;
  readonly appServers: DockerAppServers;

  constructor(config: Partial<DockerSandboxConfig> = {}, docker?: Dockerode) {
    const full = { ...DOCKER_SANDBOX_DEFAULTS, ...config };
    super(containerSandboxOptions(full));
    this.config = full;
    this.engine = new DockerEngine(docker ?? new Dockerode(full.docker), full);
    this.appServers = new DockerAppServers(this.engine, full);
  }

  protected checkProjectId(projectId: string): void {
    checkDockerProjectId(projectId);
  }

  /** Stops the sandboxes and removes the published server containers this runner asked for. */
  override async shutdown(): Promise<void> {
    await Promise.all([super.shutdown(), this.appServers.shutdown()]);
  }

  protected async createBackend(projectId: string): Promise<DockerBackend> {
    return new DockerBackend(this.engine, this.config, projectId);
  }

  async projectIds(): Promise<string[]> {
    const filters = { label: [`${MANAGED_LABEL}=true`] };
    const containers = await this.engine.docker.listContainers({ all: true, filters });
    const { Volumes } = await this.engine.docker.listVolumes({ filters });
    const labels = [...containers, ...(Volumes ?? [])].map((item) => item.Labels ?? {});
    return [...new Set(labels.map((label) => label[PROJECT_LABEL]).filter(isProjectId))];
  }
}
