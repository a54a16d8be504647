import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  hostileProbeModule,
  hostileViteConfig,
  type ProbeReport,
  type ProbeTargets,
} from '../testing/hostile-probe';
import { makeTempDir } from '../testing/test-helpers';
import type { ContainerSandbox } from '../container/container-sandbox';
import type { DockerBackend } from './docker-backend';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import { fetchPageModules } from '../core/page-modules';
import {
  ensureDockerSandboxImage,
  IMAGE_BUILD_TIMEOUT_MS,
  testProjectId,
  waitFor,
} from './testing/docker-test-environment';

const PIDS_LIMIT = 64;

/** The process provider's hostile probes (process-sandbox.isolation.spec.ts) against docker. */
describe(`${DockerSandboxProvider.name} isolation`, () => {
  const provider = new DockerSandboxProvider({
    namePrefix: 'forge-test',
    idleTimeoutMs: 0,
    pidsLimit: PIDS_LIMIT,
  });
  const projectId = testProjectId('hostile');
  let sandbox: ContainerSandbox<DockerBackend>;
  let base: string;
  let server: Server;
  let targets: ProbeTargets;

  beforeAll(async () => {
    ensureDockerSandboxImage();
    base = await makeTempDir('docker-isolation');
    await writeFile(join(base, 'auth-secret'), 'auth-secret-canary-value');
    await writeFile(join(base, 'canary.txt'), 'untouched');
    await chmod(base, 0o700);
    server = createServer((request, response) => {
      const ok = request.headers.authorization === 'Bearer auth-secret-canary-value';
      response.writeHead(ok ? 200 : 401).end(ok ? 'internal data' : 'unauthorized');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    targets = {
      secretFiles: [join(base, 'auth-secret')],
      workspacesDir: base,
      projectsDir: join(base, 'projects'),
      canaryFile: join(base, 'canary.txt'),
      escapeFile: join(base, 'escaped.txt'),
      internalUrls: [`http://127.0.0.1:${(server.address() as AddressInfo).port}/`],
      forks: PIDS_LIMIT + 16,
    };
    sandbox = await provider.sandbox(projectId);
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await provider.destroy(projectId);
    await provider.shutdown();
    server?.close();
    await rm(base, { recursive: true, force: true });
  });

  async function report(label: string): Promise<ProbeReport> {
    const text = await waitFor(
      `probe-${label}.json`,
      async () => (await sandbox.readFile(`probe-${label}.json`)) ?? undefined,
    );
    return JSON.parse(text) as ProbeReport;
  }

  function expectContained(probe: ProbeReport): void {
    expect(probe.uid).not.toBe(0);
    expect(probe.secrets[targets.secretFiles[0]!]).toMatch(/^(ENOENT|EACCES)$/);
    expect(probe.workspaces).toMatch(/^(ENOENT|EACCES)$/);
    expect(probe.canaryWrite).toMatch(/^(ENOENT|EACCES|EROFS)$/);
    expect(probe.escapeWrite).toMatch(/^(ENOENT|EACCES|EROFS)$/);
    // The host's loopback is not the container's: the call finds nothing, or a refusal.
    expect(probe.internal[targets.internalUrls[0]!]).not.toMatch(/^200/);
    expect(probe.forks.refused).toBeGreaterThan(0);
    expect(probe.forks.codes).toContain('EAGAIN');
    expect(probe.userNamespace).toContain('Operation not permitted');
  }

  it('contains a hostile vite.config.ts and postinstall script, and keeps serving the preview', async () => {
    const manifest = JSON.parse((await sandbox.readFile('package.json'))!) as Record<
      string,
      unknown
    >;
    manifest.scripts = { postinstall: 'node probe.mjs install' };
    await sandbox.writeFiles([
      { path: 'probe.mjs', content: hostileProbeModule(targets) },
      { path: 'vite.config.ts', content: hostileViteConfig('vite') },
      { path: 'package.json', content: JSON.stringify(manifest, null, 2) },
    ]);
    const { url } = await sandbox.startDevServer();
    expectContained(await report('vite'));
    expect((await fetchPageModules(url)).ok).toBe(true);
    await expect(sandbox.install()).resolves.toMatchObject({ ok: true });
    expectContained(await report('install'));
    await expect(readFile(join(base, 'canary.txt'), 'utf8')).resolves.toBe('untouched');
  });
});
