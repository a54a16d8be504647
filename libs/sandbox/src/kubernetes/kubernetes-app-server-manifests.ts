import type {
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1Secret,
  V1Service,
} from '@kubernetes/client-node';
import { containerSandboxEnv } from '../container/container-env';
import { DEV_SERVER_PORT } from '../container/sandbox-commands';
import { SANDBOX_UID } from '../container/workspace-tar';
import { containerSecurity, sandboxNetworkPolicy } from './kubernetes-manifests';
import type { KubernetesSandboxConfig } from './kubernetes-sandbox.config';

/** The project a published app's server part belongs to (not PROJECT_LABEL: the sandbox's Service must not select it). */
export const APP_SERVER_PROJECT_LABEL = 'forge.app-server/project';
/** The publication's build it runs. */
export const APP_SERVER_BUILD_LABEL = 'forge.app-server/build';
/** What keeps server parts apart from sandboxes under the same name label. */
const COMPONENT_LABEL = 'app.kubernetes.io/component';
const APP_SERVER_COMPONENT = 'app-server';
/** The label selector of every project's server part (a runner lists them with it). */
export const APP_SERVERS_SELECTOR = `${COMPONENT_LABEL}=${APP_SERVER_COMPONENT}`;
/** Where the bundle is mounted, read-only, from its ConfigMap. */
const APP_DIR = '/app';
const BUNDLE_KEY = 'main.mjs';

export interface AppServerNames {
  deployment: string;
  service: string;
  configMap: string;
  secret: string;
  networkPolicy: string;
}

export function appServerNames(config: KubernetesSandboxConfig, projectId: string): AppServerNames {
  const name = `${config.namePrefix}-${projectId}-app`;
  return { deployment: name, service: name, configMap: name, secret: name, networkPolicy: name };
}

/**
 * The labels that select a project's server pods. `app.kubernetes.io/name: forge-sandbox` puts
 * them under the chart's sandbox policies (default deny, in from Forge's pods on the dev-server
 * port, out to the apps' database); the component keeps them apart from sandboxes.
 */
export function appServerSelector(projectId: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'forge-sandbox',
    [COMPONENT_LABEL]: APP_SERVER_COMPONENT,
    [APP_SERVER_PROJECT_LABEL]: projectId,
  };
}

function labels(projectId: string, buildId: string): Record<string, string> {
  return {
    ...appServerSelector(projectId),
    'app.kubernetes.io/part-of': 'forge',
    [APP_SERVER_BUILD_LABEL]: buildId,
  };
}

function metadata(
  config: KubernetesSandboxConfig,
  name: string,
  projectId: string,
  buildId: string,
) {
  return { name, namespace: config.namespace, labels: labels(projectId, buildId) };
}

/** The bundle, as the file the server runs. */
export function appServerConfigMap(
  config: KubernetesSandboxConfig,
  projectId: string,
  buildId: string,
  bundle: Buffer,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(config, appServerNames(config, projectId).configMap, projectId, buildId),
    binaryData: { [BUNDLE_KEY]: bundle.toString('base64') },
    immutable: true,
  };
}

/** The app's own variables (its DATABASE_URL holds its role's password): a Secret, not the spec. */
export function appServerSecret(
  config: KubernetesSandboxConfig,
  projectId: string,
  buildId: string,
  env: Record<string, string>,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(config, appServerNames(config, projectId).secret, projectId, buildId),
    type: 'Opaque',
    stringData: env,
  };
}

export function appServerDeployment(
  config: KubernetesSandboxConfig,
  projectId: string,
  buildId: string,
): V1Deployment {
  const names = appServerNames(config, projectId);
  const env = Object.entries({
    ...containerSandboxEnv({ npmRegistry: config.npmRegistry }),
    NODE_ENV: 'production',
    HOST: '0.0.0.0',
    PORT: String(DEV_SERVER_PORT),
  }).map(([name, value]) => ({ name, value }));
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(config, names.deployment, projectId, buildId),
    spec: {
      replicas: 1,
      selector: { matchLabels: appServerSelector(projectId) },
      template: {
        metadata: { labels: labels(projectId, buildId) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 2,
          runtimeClassName: config.runtimeClassName,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SANDBOX_UID,
            runAsGroup: SANDBOX_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'server',
              image: config.image,
              imagePullPolicy: config.imagePullPolicy,
              command: ['node', `${APP_DIR}/${BUNDLE_KEY}`],
              // The template's main.ts serves ./dist, which the published site's files are not in.
              workingDir: '/tmp',
              env,
              envFrom: [{ secretRef: { name: names.secret } }],
              ports: [{ name: 'http', containerPort: DEV_SERVER_PORT, protocol: 'TCP' }],
              resources: {
                limits: { cpu: config.cpuLimit, memory: config.memoryLimit },
                requests: { cpu: config.cpuRequest, memory: config.memoryRequest },
              },
              securityContext: containerSecurity,
              // Any answer on the port: an app's / may well be a 404 here.
              readinessProbe: { tcpSocket: { port: DEV_SERVER_PORT }, periodSeconds: 1 },
              volumeMounts: [
                { name: 'bundle', mountPath: APP_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'bundle', configMap: { name: names.configMap } },
            { name: 'tmp', emptyDir: { sizeLimit: config.tmpSizeLimit } },
          ],
        },
      },
    },
  };
}

export function appServerService(
  config: KubernetesSandboxConfig,
  projectId: string,
  buildId: string,
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(config, appServerNames(config, projectId).service, projectId, buildId),
    spec: {
      type: 'ClusterIP',
      selector: appServerSelector(projectId),
      ports: [
        { name: 'http', port: DEV_SERVER_PORT, targetPort: DEV_SERVER_PORT, protocol: 'TCP' },
      ],
    },
  };
}

/**
 * The sandbox's policy for the server pods: in from Forge's api and runner on the port, out to
 * DNS only (never the registry); the chart's policy adds the apps' database.
 */
export function appServerNetworkPolicy(
  config: KubernetesSandboxConfig,
  projectId: string,
  buildId: string,
): V1NetworkPolicy {
  const policy = sandboxNetworkPolicy({ ...config, allowRegistryEgress: false }, projectId);
  return {
    ...policy,
    metadata: metadata(config, appServerNames(config, projectId).networkPolicy, projectId, buildId),
    spec: { ...policy.spec!, podSelector: { matchLabels: appServerSelector(projectId) } },
  };
}
