import type { Sandbox, SandboxProvider, SandboxProviderKind } from '../core/sandbox';
import type { ContainerBackend } from './container-backend';
import { ContainerSandbox, type ContainerSandboxOptions } from './container-sandbox';

/**
 * What the docker and kubernetes providers share: one ContainerSandbox per project kept in this
 * process, woken on every get, destroyed through its backend even when another process made it.
 * A subclass says how project ids are checked and how a backend is made.
 */
export abstract class ContainerSandboxProvider<
  B extends ContainerBackend,
> implements SandboxProvider {
  abstract readonly kind: SandboxProviderKind;
  private readonly sandboxes = new Map<string, ContainerSandbox<B>>();

  constructor(private readonly options: Omit<ContainerSandboxOptions, 'onDestroyed'>) {}

  /** Throws SandboxError INVALID_PROJECT_ID when the id cannot name the backend's objects. */
  protected abstract checkProjectId(projectId: string): void;

  protected abstract createBackend(projectId: string): Promise<B>;

  /** Projects with objects labelled as Forge's in the backend, whoever created them. */
  abstract projectIds(): Promise<string[]>;

  async get(projectId: string): Promise<Sandbox> {
    return this.sandbox(projectId);
  }

  /** The backend-specific sandbox, with the names of its objects. */
  async sandbox(projectId: string): Promise<ContainerSandbox<B>> {
    this.checkProjectId(projectId);
    let sandbox = this.sandboxes.get(projectId);
    if (!sandbox) {
      sandbox = new ContainerSandbox(projectId, await this.createBackend(projectId), {
        ...this.options,
        onDestroyed: () => this.sandboxes.delete(projectId),
      });
      this.sandboxes.set(projectId, sandbox);
    }
    await sandbox.wake();
    return sandbox;
  }

  async destroy(projectId: string): Promise<void> {
    this.checkProjectId(projectId);
    const sandbox = this.sandboxes.get(projectId);
    if (sandbox) {
      await sandbox.destroy();
    } else {
      await (await this.createBackend(projectId)).destroy();
    }
  }

  async shutdown(): Promise<void> {
    const sandboxes = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.allSettled(sandboxes.map((sandbox) => sandbox.stop()));
  }
}

/** The ContainerSandbox options a provider config carries. */
export function containerSandboxOptions(config: {
  idleTimeoutMs: number;
  installTimeoutMs: number;
  toolTimeoutMs: number;
  devServerStartTimeoutMs: number;
  logLines: number;
}): Omit<ContainerSandboxOptions, 'onDestroyed'> {
  const { idleTimeoutMs, installTimeoutMs, toolTimeoutMs, devServerStartTimeoutMs, logLines } =
    config;
  return { idleTimeoutMs, installTimeoutMs, toolTimeoutMs, devServerStartTimeoutMs, logLines };
}
