import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../testing/test-helpers';
import { KUBERNETES_APP_SERVER_MAX_BYTES } from './kubernetes-app-servers';
import { KubernetesSandboxProvider } from './kubernetes-sandbox.provider';
import { FakeKubernetesApi } from './testing/fake-kubernetes-api';
import { LocalPodRuntime } from './testing/local-pod-runtime';
import { requestsNotAllowed, runnerRoleRules } from './testing/runner-role';

const namespace = 'forge-app-servers-test';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A server part as small as can be: it answers what it was given. */
const BUNDLE = Buffer.from(`import { createServer } from 'node:http';
createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, database: process.env.DATABASE_URL, env: process.env.NODE_ENV }));
}).listen(Number(process.env.PORT), process.env.HOST);
`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('KubernetesAppServers (published apps’ server parts, fake API server)', () => {
  const root = mkdtempSync(join(tmpdir(), 'forge-fake-app-servers-'));
  const api = new FakeKubernetesApi(new LocalPodRuntime(root).handler);
  const children: ChildProcess[] = [];
  let provider: KubernetesSandboxProvider;
  let kubeConfig: Awaited<ReturnType<FakeKubernetesApi['start']>>;
  const projectId = 'published-1';
  const name = `forge-sandbox-${projectId}-app`;
  const object = (plural: string) => api.get(plural, namespace, name) as Json | undefined;
  const spec = {
    projectId,
    buildId: '6f1c2a9e-0000-4000-8000-000000000001',
    bundle: BUNDLE,
    env: { DATABASE_URL: 'postgres://app_role:s3cret@apps-db:5432/app_db' },
  };

  /**
   * Plays the kubelet for the Deployment the runner made: its ConfigMap's file, run with its
   * container's command, variables and Secret (PORT moved to a free one here); answers where.
   */
  async function runDeployment(): Promise<string> {
    const deployment = object('deployments')!;
    const container = deployment.spec.template.spec.containers[0];
    const configMap = object('configmaps')!;
    const dir = mkdtempSync(join(root, 'pod-'));
    const [mount] = container.volumeMounts;
    const file = join(dir, 'main.mjs');
    writeFileSync(file, Buffer.from(configMap.binaryData['main.mjs'], 'base64'));
    const port = await freePort();
    const env: Record<string, string> = {};
    for (const { name: key, value } of container.env) {
      env[key] = value;
    }
    Object.assign(env, object('secrets')!.stringData, { PORT: String(port), HOST: '127.0.0.1' });
    const argv = (container.command as string[]).map((arg) =>
      arg === `${mount.mountPath}/main.mjs` ? file : arg,
    );
    children.push(spawn(process.execPath, argv.slice(1), { env, stdio: 'ignore' }));
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the server pod', async () => (await fetch(url).catch(() => null)) ?? undefined);
    api.setDeploymentReady(namespace, name, 1);
    return url;
  }

  beforeAll(async () => {
    kubeConfig = await api.start();
    provider = new KubernetesSandboxProvider({
      kubeConfig,
      namespace,
      idleTimeoutMs: 0,
      devServerStartTimeoutMs: 20_000,
    });
  });

  afterAll(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    await provider.shutdown();
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('makes a Deployment, Service, NetworkPolicy, ConfigMap and Secret that run the bundle', async () => {
    const ensured = provider.appServers.ensure(spec);
    await waitFor('the deployment', async () => object('deployments'));
    const local = await runDeployment();
    expect(await ensured).toBe(`http://${name}.${namespace}.svc:5173`);

    const answer = (await (await fetch(`${local}/api/entries`)).json()) as Json;
    expect(answer).toEqual({
      path: '/api/entries',
      database: spec.env.DATABASE_URL,
      env: 'production',
    });

    const deployment = object('deployments')!;
    const pod = deployment.spec.template;
    const selector = {
      'app.kubernetes.io/name': 'forge-sandbox',
      'app.kubernetes.io/component': 'app-server',
      'forge.app-server/project': projectId,
    };
    expect(deployment.spec.selector.matchLabels).toEqual(selector);
    expect(pod.metadata.labels).toMatchObject(selector);
    // Not a sandbox: neither the project's sandbox Service nor the reaper selects it.
    expect(pod.metadata.labels['forge.project']).toBeUndefined();
    expect(pod.metadata.labels['forge.managed']).toBeUndefined();
    expect(await provider.projectIds()).toEqual([]);
    expect(pod.spec).toMatchObject({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000 },
    });
    const [container] = pod.spec.containers;
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'bundle',
      mountPath: '/app',
      readOnly: true,
    });
    // The password is in the Secret, not in the Deployment.
    expect(JSON.stringify(deployment)).not.toContain('s3cret');
    expect(container.envFrom).toEqual([{ secretRef: { name } }]);
    expect(object('services')!.spec.selector).toEqual(selector);
    const policy = object('networkpolicies')!;
    expect(policy.spec.podSelector.matchLabels).toEqual(selector);
    // DNS out, nothing else: a published app never reaches the registry or the internet.
    expect(policy.spec.egress).toHaveLength(1);
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5173 }]);
    expect(object('configmaps')!.immutable).toBe(true);
  });

  it('finds the running build again, replaces it with another, and removes all on stop', async () => {
    const before = api.requests.length;
    expect(await provider.appServers.ensure(spec)).toBe(`http://${name}.${namespace}.svc:5173`);
    expect(api.requests.slice(before).filter((line) => line.startsWith('POST'))).toEqual([]);

    const next = { ...spec, buildId: '6f1c2a9e-0000-4000-8000-000000000002' };
    const replaced = provider.appServers.ensure(next);
    await waitFor('the new deployment', async () =>
      object('deployments')?.metadata.labels['forge.app-server/build'] === next.buildId
        ? true
        : undefined,
    );
    api.setDeploymentReady(namespace, name, 1);
    await replaced;
    expect((await provider.appServers.current(projectId))?.buildId).toBe(next.buildId);

    // Listed for the idle check: this configuration's server parts, not another Forge's.
    const other = new KubernetesSandboxProvider({
      kubeConfig,
      namespace,
      namePrefix: 'other-forge',
      devServerStartTimeoutMs: 1,
    });
    await other.appServers.ensure({ ...spec, projectId: 'theirs' }).catch(() => undefined);
    expect(api.get('deployments', namespace, 'other-forge-theirs-app')).toBeDefined();
    expect(await provider.appServers.list()).toEqual([projectId]);
    expect(await other.appServers.list()).toEqual(['theirs']);
    await other.appServers.stop('theirs');

    await provider.appServers.stop(projectId);
    expect(await provider.appServers.list()).toEqual([]);
    for (const plural of ['deployments', 'services', 'networkpolicies', 'configmaps', 'secrets']) {
      expect(object(plural)).toBeUndefined();
    }
    expect(await provider.appServers.current(projectId)).toBeNull();
  });

  it('refuses a bundle a ConfigMap cannot carry, and names the wait it gave up on', async () => {
    const large = Buffer.alloc(KUBERNETES_APP_SERVER_MAX_BYTES + 1, 0x20);
    await expect(provider.appServers.ensure({ ...spec, bundle: large })).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('KUBERNETES_APP_SERVER_MAX_BYTES'),
    });
    // Never Ready (nothing plays the kubelet here): a timeout naming its setting, then cleaned.
    const quick = new KubernetesSandboxProvider({
      kubeConfig,
      namespace,
      devServerStartTimeoutMs: 1_000,
    });
    await expect(
      quick.appServers.ensure({ ...spec, projectId: 'never-ready' }),
    ).rejects.toMatchObject({
      code: 'DEV_SERVER_TIMEOUT',
      message: expect.stringContaining('devServerStartTimeoutMs'),
    });
    await quick.appServers.stop('never-ready');
    expect(api.get('deployments', namespace, 'forge-sandbox-never-ready-app')).toBeUndefined();
  });

  it("makes only calls the runner's Role allows (k8s/sandbox-rbac.yaml)", () => {
    expect(api.requests.length).toBeGreaterThan(0);
    expect(requestsNotAllowed(api.requests, runnerRoleRules())).toEqual([]);
  });
});
