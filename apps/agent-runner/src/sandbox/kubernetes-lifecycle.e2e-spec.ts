import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubernetesApi } from '../../../../libs/sandbox/src/kubernetes/testing/fake-kubernetes-api';
import { LocalPodRuntime } from '../../../../libs/sandbox/src/kubernetes/testing/local-pod-runtime';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createProject, type RunnerTestApp, startRunnerTestApp } from '../testing/runner-test-app';
import { SandboxReaper } from './sandbox-reaper';
import { SandboxSessions } from './sandbox-sessions';

const NAMESPACE = 'forge-sandboxes-lifecycle';
const KINDS = ['pods', 'services', 'networkpolicies'] as const;

/**
 * The sandbox lifecycle of issue 16 on the kubernetes provider, with real runners against the
 * in-process fake API server: a restarted runner finds a project's files on its claim, a project
 * deleted while no runner was up is reaped at start-up, one deleted later on the next pass, and
 * destroy removes every object a project has (Pod, Service, NetworkPolicy, claim).
 */
describe('kubernetes sandboxes across runner restarts, deletions and the reaper (e2e)', () => {
  let db: TestDatabase;
  let dir: string;
  let api: FakeKubernetesApi;
  const runners: RunnerTestApp[] = [];
  const previousKubeconfig = process.env.KUBECONFIG;

  const objectsOf = (projectId: string) => {
    const name = `forge-sandbox-${projectId}`;
    return [
      ...KINDS.map((plural) => api.get(plural, NAMESPACE, name)),
      api.get('persistentvolumeclaims', NAMESPACE, `${name}-workspace`),
    ].filter(Boolean).length;
  };
  const start = async (reapIntervalSeconds: number) => {
    const runner = await startRunnerTestApp(db, 'http://127.0.0.1:9/v1', {
      SANDBOX_PROVIDER: 'kubernetes',
      SANDBOX_K8S_NAMESPACE: NAMESPACE,
      SANDBOX_REAP_INTERVAL_SECONDS: String(reapIntervalSeconds),
    });
    runners.push(runner);
    return runner;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'forge-k8s-lifecycle-'));
    api = new FakeKubernetesApi(new LocalPodRuntime(join(dir, 'pods')).handler);
    // The runner's provider loads its cluster as kubectl does (KUBECONFIG).
    const kubeconfig = join(dir, 'kubeconfig.json');
    writeFileSync(kubeconfig, (await api.start()).exportConfig());
    process.env.KUBECONFIG = kubeconfig;
  });

  afterAll(async () => {
    for (const runner of runners) {
      await runner.close();
    }
    if (previousKubeconfig === undefined) {
      delete process.env.KUBECONFIG;
    } else {
      process.env.KUBECONFIG = previousKubeconfig;
    }
    await api?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps files over a restart, reaps deleted projects at start-up and later, destroys all', async () => {
    const [kept, deletedWhileDown, deletedLater] = [
      await createProject(db),
      await createProject(db),
      await createProject(db),
    ];
    const first = await start(0);
    const sessions = first.app.get(SandboxSessions);
    for (const projectId of [kept, deletedWhileDown, deletedLater]) {
      await sessions.open(projectId);
    }
    const sandbox = (await sessions.open(kept))!;
    await sandbox.writeFiles([{ path: 'src/kept.ts', content: 'export const kept = true;\n' }]);
    for (const projectId of [kept, deletedWhileDown, deletedLater]) {
      expect(objectsOf(projectId)).toBe(4);
    }
    await first.close();
    runners.splice(runners.indexOf(first), 1);

    // Deleted while no runner was up to hear of it: the next runner's start-up pass reaps it.
    await db.query('DELETE FROM projects WHERE id = $1', [deletedWhileDown]);
    const second = await start(3600);
    const deadline = Date.now() + 30_000;
    while (objectsOf(deletedWhileDown) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(objectsOf(deletedWhileDown)).toBe(0);
    expect(objectsOf(kept)).toBeGreaterThan(0);

    // The restarted runner opens the kept project on its claim: the file is still there.
    const reopened = (await second.app.get(SandboxSessions).open(kept))!;
    await expect(reopened.readFile('src/kept.ts')).resolves.toBe('export const kept = true;\n');

    await db.query('DELETE FROM projects WHERE id = $1', [deletedLater]);
    expect(await second.app.get(SandboxReaper).reap()).toEqual([deletedLater]);
    expect(objectsOf(deletedLater)).toBe(0);
    expect(await second.app.get(SandboxReaper).reap()).toEqual([]);

    // What the API's destroy command runs when the user deletes the project.
    await second.app.get(SandboxSessions).destroy(kept);
    expect(objectsOf(kept)).toBe(0);
  });
});
