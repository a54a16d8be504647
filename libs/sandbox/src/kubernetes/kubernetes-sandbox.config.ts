import type { KubeConfig } from '@kubernetes/client-node';

/** Where a project's workspace lives: a claim per project (kept while stopped) or the Pod's own disk. */
export type KubernetesWorkspaceStorage =
  | { kind: 'persistentVolumeClaim'; size: string; storageClassName?: string }
  | { kind: 'emptyDir'; sizeLimit: string };

/** How the kubernetes provider runs sandboxes. Every field but kubeConfig has a default. */
export interface KubernetesSandboxConfig {
  /** The namespace sandboxes run in (one Pod, Service, NetworkPolicy and claim per project). */
  namespace: string;
  /** The sandbox image (image/Dockerfile), pushed where the cluster pulls from. */
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Pods, Services and NetworkPolicies are `<prefix>-<projectId>`. */
  namePrefix: string;
  cpuLimit: string;
  memoryLimit: string;
  cpuRequest: string;
  memoryRequest: string;
  /** Limit on the Pod's writable scratch space (its /tmp and home). */
  ephemeralStorageLimit: string;
  workspace: KubernetesWorkspaceStorage;
  /** Size of the Pod's /tmp (an emptyDir). */
  tmpSizeLimit: string;
  /** The namespace of the Forge api and agent-runner, the only pods let in to the preview port. */
  forgeNamespace: string;
  /** Labels that select the Forge pods allowed in (any one set matches). */
  ingressFromPodLabels: Record<string, string>[];
  /**
   * Lets sandboxes open TLS connections (port 443) to public addresses, for `bun add` from the
   * npm registry. A NetworkPolicy cannot name a host, so this is any public address on 443.
   */
  allowRegistryEgress: boolean;
  /** A ConfigMap key holding a CA bundle, mounted with NODE_EXTRA_CA_CERTS pointing at it. */
  caBundleConfigMap?: { name: string; key: string };
  npmRegistry?: string;
  /** A RuntimeClass for stronger isolation (gVisor, Kata), when the cluster has one. */
  runtimeClassName?: string;
  idleTimeoutMs: number;
  installTimeoutMs: number;
  /** Longest run of a project tool (runTool) that does not give its own timeoutMs. */
  toolTimeoutMs: number;
  devServerStartTimeoutMs: number;
  /** How long a new Pod may take to be Running (image pull, scheduling, volume). */
  podStartTimeoutMs: number;
  /** How long a deleted Pod may take to be gone. */
  podStopTimeoutMs: number;
  logLines: number;
  /** The cluster; KubeConfig.loadFromDefault() (in-cluster or ~/.kube/config) when unset. */
  kubeConfig?: KubeConfig;
}

export const KUBERNETES_SANDBOX_DEFAULTS: KubernetesSandboxConfig = {
  namespace: 'forge-sandboxes',
  image: 'forge-sandbox:local',
  imagePullPolicy: 'IfNotPresent',
  namePrefix: 'forge-sandbox',
  cpuLimit: '1',
  memoryLimit: '1Gi',
  cpuRequest: '100m',
  memoryRequest: '256Mi',
  ephemeralStorageLimit: '1Gi',
  workspace: { kind: 'persistentVolumeClaim', size: '2Gi' },
  tmpSizeLimit: '256Mi',
  forgeNamespace: 'forge',
  ingressFromPodLabels: [
    { 'app.kubernetes.io/name': 'forge-api' },
    { 'app.kubernetes.io/name': 'forge-agent-runner' },
  ],
  allowRegistryEgress: true,
  idleTimeoutMs: 15 * 60_000,
  installTimeoutMs: 5 * 60_000,
  toolTimeoutMs: 3 * 60_000,
  devServerStartTimeoutMs: 60_000,
  podStartTimeoutMs: 180_000,
  podStopTimeoutMs: 60_000,
  logLines: 2000,
};
