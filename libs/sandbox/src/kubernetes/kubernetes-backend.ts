import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerBackend, ExecRequest, ExecResult } from '../container/container-backend';
import { DEV_SERVER_PORT, WORKSPACE_DIR } from '../container/sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import {
  createIfMissing,
  deleteIfPresent,
  type KubernetesClients,
  readOrMissing,
} from './kubernetes-clients';
import { kubernetesExec } from './kubernetes-exec';
import {
  sandboxClaim,
  sandboxNames,
  sandboxNetworkPolicy,
  sandboxPod,
  sandboxService,
  type SandboxNames,
} from './kubernetes-manifests';
import type { KubernetesSandboxConfig } from './kubernetes-sandbox.config';

/** How often a starting or stopping Pod is looked at, in ms. */
const POD_POLL_INTERVAL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One project on a Kubernetes cluster: a Pod running the sandbox image, a Service in front of
 * its dev server, a NetworkPolicy, and (by default) a PersistentVolumeClaim for the workspace.
 * Stopping deletes the Pod only, so the files stay on the claim; the next call makes a new Pod.
 */
export class KubernetesBackend implements ContainerBackend {
  readonly names: SandboxNames;

  constructor(
    private readonly clients: KubernetesClients,
    private readonly config: KubernetesSandboxConfig,
    readonly projectId: string,
  ) {
    this.names = sandboxNames(config, projectId);
  }

  private get namespace(): string {
    return this.config.namespace;
  }

  async state(): Promise<'absent' | 'stopped' | 'running'> {
    const pod = await this.readPod();
    if (pod) {
      return isRunning(pod) ? 'running' : 'stopped';
    }
    const service = await readOrMissing(() =>
      this.clients.core.readNamespacedService({
        name: this.names.service,
        namespace: this.namespace,
      }),
    );
    return service ? 'stopped' : 'absent';
  }

  async ensureRunning(): Promise<boolean> {
    let pod = await this.readPod();
    if (pod && isRunning(pod)) {
      return false;
    }
    if (
      pod &&
      (pod.metadata?.deletionTimestamp || ['Failed', 'Succeeded'].includes(pod.status?.phase ?? ''))
    ) {
      await this.deletePod();
      pod = undefined;
    }
    if (!pod) {
      await this.create();
    }
    await this.waitRunning();
    return true;
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    return kubernetesExec(this.clients.exec, this.namespace, this.names.pod, request);
  }

  async putArchive(tar: Buffer): Promise<void> {
    // GNU tar replaces a symbolic link met by a folder entry with a real folder.
    const argv = ['tar', '-x', '-f', '-', '-C', WORKSPACE_DIR, '--no-same-owner'];
    const result = await this.exec({ argv, stdin: tar });
    if (result.exitCode !== 0) {
      throw new SandboxError(
        'COMMAND_FAILED',
        `writing the files failed (exit code ${result.exitCode}): ${result.stderr.toString('utf8').trim()}`,
      );
    }
  }

  async devServerUrl(): Promise<string> {
    return `http://${this.names.service}.${this.namespace}.svc:${DEV_SERVER_PORT}`;
  }

  /** The Pod's readiness probe asks Vite; Ready is what the Service routes on too. */
  async devServerAnswers(): Promise<boolean> {
    const pod = await this.readPod();
    const ready = pod?.status?.conditions?.find((condition) => condition.type === 'Ready');
    return !!pod && isRunning(pod) && ready?.status === 'True';
  }

  async stop(): Promise<void> {
    await this.deletePod();
  }

  async destroy(): Promise<void> {
    const { core, networking } = this.clients;
    const namespace = this.namespace;
    await this.deletePod();
    await deleteIfPresent(() =>
      core.deleteNamespacedService({ name: this.names.service, namespace }),
    );
    await deleteIfPresent(() =>
      networking.deleteNamespacedNetworkPolicy({ name: this.names.networkPolicy, namespace }),
    );
    await deleteIfPresent(() =>
      core.deleteNamespacedPersistentVolumeClaim({ name: this.names.claim, namespace }),
    );
  }

  private readPod(): Promise<V1Pod | undefined> {
    return readOrMissing(() =>
      this.clients.core.readNamespacedPod({ name: this.names.pod, namespace: this.namespace }),
    );
  }

  private async create(): Promise<void> {
    const { core, networking } = this.clients;
    const namespace = this.namespace;
    // The policy first, so the Pod never runs unconfined.
    await createIfMissing(() =>
      networking.createNamespacedNetworkPolicy({
        namespace,
        body: sandboxNetworkPolicy(this.config, this.projectId),
      }),
    );
    await createIfMissing(() =>
      core.createNamespacedService({
        namespace,
        body: sandboxService(this.config, this.projectId),
      }),
    );
    const claim = sandboxClaim(this.config, this.projectId);
    if (claim) {
      await createIfMissing(() =>
        core.createNamespacedPersistentVolumeClaim({ namespace, body: claim }),
      );
    }
    await createIfMissing(() =>
      core.createNamespacedPod({ namespace, body: sandboxPod(this.config, this.projectId) }),
    );
  }

  private async waitRunning(): Promise<void> {
    const deadline = Date.now() + this.config.podStartTimeoutMs;
    for (;;) {
      const pod = await this.readPod();
      if (pod && isRunning(pod)) {
        return;
      }
      if (pod?.status?.phase === 'Failed') {
        throw new SandboxError('START_FAILED', `pod ${this.names.pod} failed: ${describePod(pod)}`);
      }
      if (Date.now() > deadline) {
        throw new SandboxError(
          'START_TIMEOUT',
          `pod ${this.names.pod} was not running within ${this.config.podStartTimeoutMs} ms (podStartTimeoutMs): ${pod ? describePod(pod) : 'it is gone'}`,
        );
      }
      await sleep(POD_POLL_INTERVAL_MS);
    }
  }

  private async deletePod(): Promise<void> {
    const namespace = this.namespace;
    await deleteIfPresent(() =>
      this.clients.core.deleteNamespacedPod({
        name: this.names.pod,
        namespace,
        gracePeriodSeconds: 2,
      }),
    );
    const deadline = Date.now() + this.config.podStopTimeoutMs;
    while (await this.readPod()) {
      if (Date.now() > deadline) {
        throw new SandboxError(
          'START_TIMEOUT',
          `pod ${this.names.pod} was still there ${this.config.podStopTimeoutMs} ms (podStopTimeoutMs) after its deletion`,
        );
      }
      await sleep(POD_POLL_INTERVAL_MS);
    }
  }
}

function isRunning(pod: V1Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Running';
}

/** The phase and why a container waits or ended (ImagePullBackOff, OOMKilled, ...). */
function describePod(pod: V1Pod): string {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const reasons = statuses
    .map((status) => {
      const state = status.state?.waiting ?? status.state?.terminated;
      return state?.reason
        ? `${status.name}: ${state.reason}${state.message ? ` (${state.message})` : ''}`
        : '';
    })
    .filter(Boolean);
  return [`phase ${pod.status?.phase ?? 'unknown'}`, ...reasons].join('; ');
}
