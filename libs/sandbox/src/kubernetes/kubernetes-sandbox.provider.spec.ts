import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../testing/test-helpers';
import { KubernetesSandboxProvider } from './kubernetes-sandbox.provider';
import { requestsNotAllowed, runnerRoleRules } from './testing/runner-role';
import { FakeKubernetesApi } from './testing/fake-kubernetes-api';
import { LocalPodRuntime } from './testing/local-pod-runtime';

const namespace = 'forge-sandboxes-test';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe(KubernetesSandboxProvider.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'forge-fake-pods-'));
  const runtime = new LocalPodRuntime(root);
  const api = new FakeKubernetesApi(runtime.handler);
  let provider: KubernetesSandboxProvider;
  const projectId = 'project-1';
  const name = `forge-sandbox-${projectId}`;
  const object = (plural: string, objectName = name) =>
    api.get(plural, namespace, objectName) as Json;

  beforeAll(async () => {
    provider = new KubernetesSandboxProvider({
      kubeConfig: await api.start(),
      namespace,
      idleTimeoutMs: 0,
    });
  });

  afterAll(async () => {
    await provider.shutdown();
    await api.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a Pod with limits and no privileges, a Service, a NetworkPolicy and a claim', async () => {
    await provider.sandbox(projectId);
    const pod = object('pods');
    const labels = { 'forge.project': projectId, 'forge.managed': 'true' };
    expect(pod.metadata.labels).toMatchObject(labels);
    expect(pod.spec).toMatchObject({
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
    });
    const [container] = pod.spec.containers;
    expect(container.resources).toEqual({
      limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Gi' },
      requests: { cpu: '100m', memory: '256Mi' },
    });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 5173 });
    expect(pod.spec.initContainers[0].securityContext).toEqual(container.securityContext);
    expect(pod.spec.volumes).toContainEqual({
      name: 'workspace',
      persistentVolumeClaim: { claimName: `${name}-workspace` },
    });

    const service = object('services');
    expect(service.spec.selector).toEqual({
      'app.kubernetes.io/name': 'forge-sandbox',
      'forge.project': projectId,
    });
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 5173, targetPort: 5173, protocol: 'TCP' },
    ]);

    const policy = object('networkpolicies');
    expect(policy.spec.podSelector.matchLabels).toEqual(service.spec.selector);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress[0].from).toHaveLength(2);
    expect(policy.spec.ingress[0].from[0].namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'forge',
    });
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5173 }]);
    expect(policy.spec.egress[0].ports).toContainEqual({ protocol: 'UDP', port: 53 });
    expect(policy.spec.egress[1].to[0].ipBlock.except).toContain('10.0.0.0/8');
    expect(policy.spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }]);

    const claim = object('persistentvolumeclaims', `${name}-workspace`);
    expect(claim.spec.resources.requests.storage).toBe('2Gi');
    expect(claim.metadata.labels).toMatchObject(labels);

    // Each rendered object is valid against the Kubernetes schemas.
    const core = await import('kubernetes-models/v1');
    const networking = await import('kubernetes-models/networking.k8s.io/v1');
    expect(() => new core.Pod(pod).validate()).not.toThrow();
    expect(() => new core.Service(service).validate()).not.toThrow();
    expect(() => new core.PersistentVolumeClaim(claim).validate()).not.toThrow();
    expect(() => new networking.NetworkPolicy(policy).validate()).not.toThrow();
  });

  it('writes a tar through exec, and reads and deletes files', async () => {
    const sandbox = await provider.sandbox(projectId);
    await sandbox.writeFiles([
      { path: 'src/App.tsx', content: 'export default () => null;\n' },
      { path: 'README.md', content: 'über\n' },
    ]);
    const write = api.execs.at(-1)!;
    expect(write.command.slice(0, 2)).toEqual(['tar', '-x']);
    expect(write.container).toBe('sandbox');
    expect(write.stdin.length).toBeGreaterThan(1024);
    const workspace = runtime.workspace(name);
    expect(readFileSync(join(workspace, 'src/App.tsx'), 'utf8')).toBe(
      'export default () => null;\n',
    );
    await expect(sandbox.readFile('README.md')).resolves.toBe('über\n');
    await expect(sandbox.readFile('missing.md')).resolves.toBeNull();
    await sandbox.deleteFiles(['README.md']);
    expect(existsSync(join(workspace, 'README.md'))).toBe(false);

    symlinkSync('/etc', join(workspace, 'etc-link'));
    await expect(sandbox.readFile('etc-link/hostname')).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
    await expect(sandbox.writeFiles([{ path: '../x', content: '' }])).rejects.toMatchObject({
      code: 'INVALID_PATH',
    });
  });

  it('installs, and starts the dev server behind the Service once the Pod is Ready', async () => {
    const sandbox = await provider.sandbox(projectId);
    const installed = await sandbox.install();
    expect(installed).toMatchObject({ ok: true, exitCode: 0, output: 'install --no-progress' });

    const starting = sandbox.startDevServer();
    await waitFor('the dev server exec', async () =>
      api.execs.some((call) => call.command.includes('node_modules/vite/bin/vite.js'))
        ? true
        : undefined,
    );
    await expect(sandbox.status()).resolves.toBe('starting');
    api.setPodReady(namespace, name, true);
    await expect(starting).resolves.toEqual({ url: `http://${name}.${namespace}.svc:5173` });
    await expect(sandbox.status()).resolves.toBe('running');
    await expect(sandbox.startDevServer()).resolves.toEqual({
      url: `http://${name}.${namespace}.svc:5173`,
    });
  });

  it('runs a project tool from node_modules/.bin with its argv, and stops it on abort', async () => {
    const sandbox = await provider.sandbox(projectId);
    const bin = join(runtime.workspace(name), 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    const script = '#!/bin/sh\necho "in $(pwd): $*"\necho "error TS2322: $# args" >&2\nexit 2\n';
    writeFileSync(join(bin, 'fake-tsc'), script, { mode: 0o755 });
    writeFileSync(join(bin, 'slow'), '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });

    const argv = ['fake-tsc', '-p', 'tsconfig.app.json', 'a b', '$(id)'];
    const result = await sandbox.runTool(argv);
    expect(result).toMatchObject({ exitCode: 2, timedOut: false });
    expect(result.output).toContain(
      `in ${runtime.workspace(name)}: -p tsconfig.app.json a b $(id)`,
    );
    expect(result.output).toContain('error TS2322: 4 args');
    const [check, run] = api.execs.slice(-2);
    expect(check!.command.slice(-2)).toEqual(['/workspace', 'fake-tsc']);
    expect(run!.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(run!.command.slice(-5)).toEqual(['node_modules/.bin/fake-tsc', ...argv.slice(1)]);

    const execs = api.execs.length;
    await expect(sandbox.runTool(['tsc'])).rejects.toMatchObject({ code: 'TOOL_NOT_FOUND' });
    await expect(sandbox.runTool(['../tsc'])).rejects.toMatchObject({ code: 'INVALID_TOOL' });
    expect(api.execs.length).toBe(execs + 1);

    const controller = new AbortController();
    const slow = sandbox.runTool(['slow'], { signal: controller.signal });
    await waitFor('the slow tool to run', async () =>
      api.execs.some((call) => call.command.includes('node_modules/.bin/slow')) ? true : undefined,
    );
    controller.abort();
    await expect(slow).rejects.toMatchObject({ code: 'ABORTED' });
    const stopped = await sandbox.runTool(['slow'], { timeoutMs: 500 });
    expect(stopped).toMatchObject({ exitCode: null, timedOut: true });
  });

  it('stop deletes only the Pod; the next call makes a new one on the same claim', async () => {
    const sandbox = await provider.sandbox(projectId);
    await sandbox.stop();
    expect(object('pods')).toBeUndefined();
    expect(object('services')).toBeDefined();
    await expect(sandbox.status()).resolves.toBe('stopped');
    await expect(sandbox.readFile('src/App.tsx')).resolves.toBe('export default () => null;\n');
    expect(object('pods').metadata.name).toBe(name);
  });

  it('destroy removes the Pod, the Service, the NetworkPolicy and the claim', async () => {
    await provider.destroy(projectId);
    for (const plural of ['pods', 'services', 'networkpolicies']) {
      expect(object(plural)).toBeUndefined();
    }
    expect(object('persistentvolumeclaims', `${name}-workspace`)).toBeUndefined();
    expect(api.requests).toContain(`DELETE /api/v1/namespaces/${namespace}/pods/${name}`);
    await expect(provider.sandbox('Not_A_Dns_Label')).rejects.toMatchObject({
      code: 'INVALID_PROJECT_ID',
    });
  });

  it("makes only calls the runner's Role allows (k8s/sandbox-rbac.yaml), the reaper's lists too", async () => {
    await provider.sandbox(projectId);
    expect(await provider.projectIds()).toEqual([projectId]);
    expect(api.requests.filter((request) => request.includes('/exec'))).not.toEqual([]);
    expect(requestsNotAllowed(api.requests, runnerRoleRules())).toEqual([]);
    // The check itself: a Role without list would refuse the reaper.
    const withoutList = runnerRoleRules().map((rule) => ({
      ...rule,
      verbs: rule.verbs.filter((verb) => verb !== 'list'),
    }));
    expect(requestsNotAllowed(api.requests, withoutList)).toEqual(
      expect.arrayContaining(['list pods', 'list persistentvolumeclaims']),
    );
  });
});
