import type {
  AppsV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  NetworkingV1Api,
} from '@kubernetes/client-node';

/** The API clients one provider uses, made from one KubeConfig. */
export interface KubernetesClients {
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  exec: Exec;
}

/**
 * @kubernetes/client-node is an ES module: it is loaded with import() so that CommonJS callers
 * (and jest) can use it.
 */
export async function kubernetesClients(kubeConfig?: KubeConfig): Promise<KubernetesClients> {
  const k8s = await import('@kubernetes/client-node');
  let config = kubeConfig;
  if (!config) {
    config = new k8s.KubeConfig();
    config.loadFromDefault();
  }
  return {
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    exec: new k8s.Exec(config),
  };
}

/** The HTTP status of a failed API call (ApiException.code), when there is one. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The result of a read, or undefined when the object does not exist. */
export async function readOrMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (apiStatus(error) === 404) {
      return undefined;
    }
    throw error;
  }
}

/** Creates an object; one that exists already (another runner made it) is fine. */
export async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (apiStatus(error) !== 409) {
      throw error;
    }
  }
}

/** Deletes an object; one that is gone already is fine. */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (apiStatus(error) !== 404) {
      throw error;
    }
  }
}
