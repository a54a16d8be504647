import {
  ContainerSandboxProvider,
  containerSandboxOptions,
} from '../container/container-sandbox.provider';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import { SandboxError } from '../core/sandbox-error';
import { KubernetesAppServers } from './kubernetes-app-servers';
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
export class KubernetesSandboxProvider extends ContainerSandboxProvider<KubernetesBackend> {
  readonly kind = 'kubernetes' as const;
  readonly config: KubernetesSandboxConfig;
  readonly appServers: KubernetesAppServers;
  private clients?: Promise<KubernetesClients>;

  constructor(config: Partial<KubernetesSandboxConfig> = {}) {
    const full = { ...KUBERNETES_SANDBOX_DEFAULTS, ...config };
    super(containerSandboxOptions(full));
    this.config = full;
    this.appServers = new KubernetesAppServers(full, () => this.api());
  }

  protected checkProjectId(projectId: string): void {
    checkKubernetesProjectId(projectId);
  }

  protected async createBackend(projectId: string): Promise<KubernetesBackend> {
    return new KubernetesBackend(await this.api(), this.config, projectId);
  }

  async projectIds(): Promise<string[]> {
    const { core } = await this.api();
    const query = { namespace: this.config.namespace, labelSelector: `${MANAGED_LABEL}=true` };
    const [pods, claims] = await Promise.all([
      core.listNamespacedPod(query),
      core.listNamespacedPersistentVolumeClaim(query),
    ]);
    const ids = [...pods.items, ...claims.items].map(
      (item) => item.metadata?.labels?.[PROJECT_LABEL],
    );
    return [...new Set(ids.filter((id): id is string => id !== undefined && PROJECT_ID.test(id)))];
  }

  private api(): Promise<KubernetesClients> {
    this.clients ??= kubernetesClients(this.config.kubeConfig);
    return this.clients;
  }
}
