import type { Sandbox, SandboxProvider } from '../sandbox';
import { ContainerSandbox } from '../docker/container-sandbox';
import { SandboxError } from '../docker/sandbox-error';
import { KubernetesBackend } from './kubernetes-backend';
import { type KubernetesClients, kubernetesClients } from './kubernetes-clients';
import {
  KUBERNETES_SANDBOX_DEFAULTS,
  type KubernetesSandboxConfig,
} from './kubernetes-sandbox.config';

/** Project ids become object names: DNS labels, short enough for `<prefix>-<id>-workspace`. */
const PROJECT_ID = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/;

export function checkKubernetesProjectId(projectId: string): void {
  if (!PROJECT_ID.test(projectId)) {
    throw new SandboxError(
      'INVALID_PROJECT_ID',
      `project id "${projectId}" must be 1-48 lower-case letters, digits or "-", starting and ending with a letter or digit`,
    );
  }
}

/**
 * Sandboxes as Pods, one per project (see KubernetesBackend). The preview proxy reaches a dev
 * server at http://<service>.<namespace>.svc:5173, so it must run in the cluster, in a pod the
 * NetworkPolicy lets in (ingressFromPodLabels in forgeNamespace).
 */
export class KubernetesSandboxProvider implements SandboxProvider {
  readonly kind = 'kubernetes' as const;
  readonly config: KubernetesSandboxConfig;
  private clients?: Promise<KubernetesClients>;
  private readonly sandboxes = new Map<string, ContainerSandbox<KubernetesBackend>>();

  constructor(config: Partial<KubernetesSandboxConfig> = {}) {
    this.config = { ...KUBERNETES_SANDBOX_DEFAULTS, ...config };
  }

  async get(projectId: string): Promise<Sandbox> {
    return this.sandbox(projectId);
  }

  /** The kubernetes-specific sandbox, with the names of its objects. */
  async sandbox(projectId: string): Promise<ContainerSandbox<KubernetesBackend>> {
    checkKubernetesProjectId(projectId);
    let sandbox = this.sandboxes.get(projectId);
    if (!sandbox) {
      const backend = new KubernetesBackend(await this.api(), this.config, projectId);
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
    checkKubernetesProjectId(projectId);
    const sandbox = this.sandboxes.get(projectId);
    if (sandbox) await sandbox.destroy();
    else await new KubernetesBackend(await this.api(), this.config, projectId).destroy();
  }

  async shutdown(): Promise<void> {
    const sandboxes = [...this.sandboxes.values()];
    this.sandboxes.clear();
    await Promise.allSettled(sandboxes.map((sandbox) => sandbox.stop()));
  }

  private api(): Promise<KubernetesClients> {
    this.clients ??= kubernetesClients(this.config.kubeConfig);
    return this.clients;
  }
}
