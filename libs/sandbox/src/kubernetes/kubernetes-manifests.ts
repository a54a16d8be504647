import type {
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1Pod,
  V1SecurityContext,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { containerSandboxEnv, SANDBOX_CA_BUNDLE_PATH } from '../container/container-env';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import {
  DEV_SERVER_PORT,
  prepareWorkspaceCommand,
  WORKSPACE_DIR,
} from '../container/sandbox-commands';
import { SANDBOX_UID } from '../container/workspace-tar';
import type { KubernetesSandboxConfig } from './kubernetes-sandbox.config';

/** The container that runs the project; exec goes there. */
export const SANDBOX_CONTAINER = 'sandbox';
/** Size of the sandbox user's home, an emptyDir (the root filesystem is read-only). */
const HOME_SIZE_LIMIT = '64Mi';
/** Egress to these is never allowed, whatever allowRegistryEgress says. */
export const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
];

export interface SandboxNames {
  pod: string;
  service: string;
  networkPolicy: string;
  claim: string;
}

export function sandboxNames(config: KubernetesSandboxConfig, projectId: string): SandboxNames {
  const name = `${config.namePrefix}-${projectId}`;
  return { pod: name, service: name, networkPolicy: name, claim: `${name}-workspace` };
}

/** The labels that select one project's Pod. */
export function podSelector(projectId: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'forge-sandbox', [PROJECT_LABEL]: projectId };
}

function labels(projectId: string): Record<string, string> {
  return {
    ...podSelector(projectId),
    'app.kubernetes.io/part-of': 'forge',
    [MANAGED_LABEL]: 'true',
  };
}

/** A sandbox's containers (and a published server's): non-root, no privileges, read-only root. */
export const containerSecurity: V1SecurityContext = {
  runAsNonRoot: true,
  runAsUser: SANDBOX_UID,
  runAsGroup: SANDBOX_UID,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

export function sandboxPod(config: KubernetesSandboxConfig, projectId: string): V1Pod {
  const names = sandboxNames(config, projectId);
  const workspace: V1Volume =
    config.workspace.kind === 'persistentVolumeClaim'
      ? { name: 'workspace', persistentVolumeClaim: { claimName: names.claim } }
      : { name: 'workspace', emptyDir: { sizeLimit: config.workspace.sizeLimit } };
  const volumes: V1Volume[] = [
    workspace,
    { name: 'tmp', emptyDir: { sizeLimit: config.tmpSizeLimit } },
    { name: 'home', emptyDir: { sizeLimit: HOME_SIZE_LIMIT } },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'workspace', mountPath: WORKSPACE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'home', mountPath: '/home/sandbox' },
  ];
  const ca = config.caBundleConfigMap;
  if (ca) {
    volumes.push({
      name: 'ca-bundle',
      configMap: { name: ca.name, items: [{ key: ca.key, path: 'ca-bundle.crt' }] },
    });
    mounts.push({
      name: 'ca-bundle',
      mountPath: SANDBOX_CA_BUNDLE_PATH,
      subPath: 'ca-bundle.crt',
      readOnly: true,
    });
  }
  const env = Object.entries(
    containerSandboxEnv({
      caBundlePath: ca ? SANDBOX_CA_BUNDLE_PATH : undefined,
      npmRegistry: config.npmRegistry,
    }),
  ).map(([name, value]) => ({ name, value }));
  const resources = {
    limits: {
      cpu: config.cpuLimit,
      memory: config.memoryLimit,
      'ephemeral-storage': config.ephemeralStorageLimit,
    },
    requests: { cpu: config.cpuRequest, memory: config.memoryRequest },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: names.pod, namespace: config.namespace, labels: labels(projectId) },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 2,
      runtimeClassName: config.runtimeClassName,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: SANDBOX_UID,
        runAsGroup: SANDBOX_UID,
        fsGroup: SANDBOX_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      initContainers: [
        {
          name: 'prepare-workspace',
          image: config.image,
          imagePullPolicy: config.imagePullPolicy,
          command: prepareWorkspaceCommand(),
          securityContext: containerSecurity,
          resources,
          volumeMounts: [mounts[0]!],
        },
      ],
      containers: [
        {
          name: SANDBOX_CONTAINER,
          image: config.image,
          imagePullPolicy: config.imagePullPolicy,
          command: ['/usr/bin/tini', '--'],
          args: ['sleep', 'infinity'],
          workingDir: WORKSPACE_DIR,
          env,
          ports: [{ name: 'http', containerPort: DEV_SERVER_PORT, protocol: 'TCP' }],
          resources,
          securityContext: containerSecurity,
          // Ready only while Vite answers: the Service sends nothing to a Pod without a server.
          readinessProbe: {
            httpGet: { path: '/', port: DEV_SERVER_PORT },
            periodSeconds: 1,
            timeoutSeconds: 1,
            failureThreshold: 1,
          },
          volumeMounts: mounts,
        },
      ],
      volumes,
    },
  };
}

export function sandboxService(config: KubernetesSandboxConfig, projectId: string): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: sandboxNames(config, projectId).service,
      namespace: config.namespace,
      labels: labels(projectId),
    },
    spec: {
      type: 'ClusterIP',
      selector: podSelector(projectId),
      ports: [
        { name: 'http', port: DEV_SERVER_PORT, targetPort: DEV_SERVER_PORT, protocol: 'TCP' },
      ],
    },
  };
}

/**
 * In: only the Forge api and agent-runner pods, only to the dev server port. Out: DNS to the
 * cluster's resolver and, when allowRegistryEgress, TLS to public addresses (the npm registry);
 * nothing to other pods, the node or private ranges.
 */
export function sandboxNetworkPolicy(
  config: KubernetesSandboxConfig,
  projectId: string,
): V1NetworkPolicy {
  const namespaceOf = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
  const egress: NonNullable<NonNullable<V1NetworkPolicy['spec']>['egress']> = [
    {
      to: [
        {
          namespaceSelector: namespaceOf('kube-system'),
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ];
  if (config.allowRegistryEgress) {
    egress.push({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: sandboxNames(config, projectId).networkPolicy,
      namespace: config.namespace,
      labels: labels(projectId),
    },
    spec: {
      podSelector: { matchLabels: podSelector(projectId) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          // The client's models spell "from" `_from`; it is sent as "from".
          _from: config.ingressFromPodLabels.map((matchLabels) => ({
            namespaceSelector: namespaceOf(config.forgeNamespace),
            podSelector: { matchLabels },
          })),
          ports: [{ protocol: 'TCP', port: DEV_SERVER_PORT }],
        },
      ],
      egress,
    },
  };
}

export function sandboxClaim(
  config: KubernetesSandboxConfig,
  projectId: string,
): V1PersistentVolumeClaim | undefined {
  if (config.workspace.kind !== 'persistentVolumeClaim') {
    return undefined;
  }
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: sandboxNames(config, projectId).claim,
      namespace: config.namespace,
      labels: labels(projectId),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: config.workspace.storageClassName,
      resources: { requests: { storage: config.workspace.size } },
    },
  };
}
