import type { AppServers, AppServerSpec, RunningAppServer } from '../core/app-servers';
import { DEV_SERVER_PORT } from '../container/sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import {
  APP_SERVER_BUILD_LABEL,
  APP_SERVER_PROJECT_LABEL,
  APP_SERVERS_SELECTOR,
  appServerConfigMap,
  appServerDeployment,
  appServerNames,
  appServerNetworkPolicy,
  appServerSecret,
  appServerService,
} from './kubernetes-app-server-manifests';
import {
  createIfMissing,
  deleteIfPresent,
  type KubernetesClients,
  readOrMissing,
} from './kubernetes-clients';
import type { KubernetesSandboxConfig } from './kubernetes-sandbox.config';
import { KeyedQueue } from '../core/keyed-queue';

/**
 * Most bytes of a bundle a ConfigMap carries here: Kubernetes refuses a ConfigMap over 1 MiB,
 * and binaryData is base64 (4 bytes for 3).
 */
export const KUBERNETES_APP_SERVER_MAX_BYTES = 750 * 1024;
const READY_POLL_MS = 500;

/**
 * Published apps' server parts as a Deployment per published project (one replica, restarted
 * by Kubernetes when it crashes), with its Service, its NetworkPolicy, the bundle in an
 * immutable ConfigMap mounted read-only and DATABASE_URL in a Secret; all in the sandbox
 * namespace, under the chart's sandbox policies. The published-app server reaches it at
 * http://<service>.<namespace>.svc:5173. Another build replaces all five objects.
 */
export class KubernetesAppServers implements AppServers {
  /** One change at a time per project (start, replace, stop). */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly config: KubernetesSandboxConfig,
    private readonly api: () => Promise<KubernetesClients>,
  ) {}

  private url(projectId: string): string {
    const service = appServerNames(this.config, projectId).service;
    return `http://${service}.${this.config.namespace}.svc:${DEV_SERVER_PORT}`;
  }

  async current(projectId: string): Promise<RunningAppServer | null> {
    const { apps } = await this.api();
    const name = appServerNames(this.config, projectId).deployment;
    const deployment = await readOrMissing(() =>
      apps.readNamespacedDeployment({ name, namespace: this.config.namespace }),
    );
    const buildId = deployment?.metadata?.labels?.[APP_SERVER_BUILD_LABEL];
    if (!deployment || !buildId || (deployment.status?.readyReplicas ?? 0) < 1) {
      return null;
    }
    return { buildId, url: this.url(projectId) };
  }

  async list(): Promise<string[]> {
    const { apps } = await this.api();
    const found = await apps.listNamespacedDeployment({
      namespace: this.config.namespace,
      labelSelector: APP_SERVERS_SELECTOR,
    });
    // Only this configuration's: another Forge in the namespace names its own otherwise.
    return found.items.flatMap((deployment) => {
      const projectId = deployment.metadata?.labels?.[APP_SERVER_PROJECT_LABEL];
      const named = projectId && appServerNames(this.config, projectId).deployment;
      return named && deployment.metadata?.name === named ? [projectId] : [];
    });
  }

  ensure(spec: AppServerSpec): Promise<string> {
    return this.queue.run(spec.projectId, async () => {
      if (spec.bundle.length > KUBERNETES_APP_SERVER_MAX_BYTES) {
        throw new SandboxError(
          'FILE_TOO_LARGE',
          `the app's server part is ${spec.bundle.length} bytes; a Kubernetes ConfigMap carries at most ${KUBERNETES_APP_SERVER_MAX_BYTES} (KUBERNETES_APP_SERVER_MAX_BYTES)`,
        );
      }
      const known = await this.current(spec.projectId);
      if (known?.buildId === spec.buildId) {
        return known.url;
      }
      await this.remove(spec.projectId);
      await this.create(spec);
      await this.waitUntilReady(spec.projectId, spec.buildId);
      return this.url(spec.projectId);
    });
  }

  stop(projectId: string): Promise<void> {
    return this.queue.run(projectId, () => this.remove(projectId));
  }

  /** Deployments outlive the runner: nothing to stop here. */
  async shutdown(): Promise<void> {}

  private async create(spec: AppServerSpec): Promise<void> {
    const { core, apps, networking } = await this.api();
    const namespace = this.config.namespace;
    const { projectId, buildId } = spec;
    const config = this.config;
    await createIfMissing(() =>
      core.createNamespacedConfigMap({
        namespace,
        body: appServerConfigMap(config, projectId, buildId, spec.bundle),
      }),
    );
    await createIfMissing(() =>
      core.createNamespacedSecret({
        namespace,
        body: appServerSecret(config, projectId, buildId, spec.env),
      }),
    );
    await createIfMissing(() =>
      networking.createNamespacedNetworkPolicy({
        namespace,
        body: appServerNetworkPolicy(config, projectId, buildId),
      }),
    );
    await createIfMissing(() =>
      core.createNamespacedService({
        namespace,
        body: appServerService(config, projectId, buildId),
      }),
    );
    await createIfMissing(() =>
      apps.createNamespacedDeployment({
        namespace,
        body: appServerDeployment(config, projectId, buildId),
      }),
    );
  }

  private async waitUntilReady(projectId: string, buildId: string): Promise<void> {
    const deadline = Date.now() + this.config.devServerStartTimeoutMs;
    for (;;) {
      const running = await this.current(projectId);
      if (running?.buildId === buildId) {
        return;
      }
      if (Date.now() > deadline) {
        throw new SandboxError(
          'DEV_SERVER_TIMEOUT',
          `the app's server was not ready within ${this.config.devServerStartTimeoutMs} ms (devServerStartTimeoutMs); see its Deployment ${appServerNames(this.config, projectId).deployment}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  private async remove(projectId: string): Promise<void> {
    const { core, apps, networking } = await this.api();
    const namespace = this.config.namespace;
    const names = appServerNames(this.config, projectId);
    await deleteIfPresent(() =>
      apps.deleteNamespacedDeployment({ name: names.deployment, namespace }),
    );
    await deleteIfPresent(() => core.deleteNamespacedService({ name: names.service, namespace }));
    await deleteIfPresent(() =>
      networking.deleteNamespacedNetworkPolicy({ name: names.networkPolicy, namespace }),
    );
    await deleteIfPresent(() => core.deleteNamespacedSecret({ name: names.secret, namespace }));
    await deleteIfPresent(() =>
      core.deleteNamespacedConfigMap({ name: names.configMap, namespace }),
    );
  }
}
