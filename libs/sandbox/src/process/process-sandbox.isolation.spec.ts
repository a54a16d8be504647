import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { access, chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchPageModules } from '../core/page-modules';
import { makeTempDir, waitFor } from '../testing/test-helpers';
import type { ProcessSandbox } from './process-sandbox';
import { ProcessSandboxProvider } from './process-sandbox.provider';
import {
  hostileProbeModule,
  hostileViteConfig,
  type ProbeReport,
  type ProbeTargets,
} from '../testing/hostile-probe';

const PIDS_MAX = 64;
const SECRETS = ['auth-secret', 'preview-secret', 'runner-token'];

/** An internal endpoint of Forge's: answers only with the service token from the data folder. */
async function tokenGuarded(token: string): Promise<Server> {
  const server = createServer((request, response) => {
    const ok = request.headers.authorization === `Bearer ${token}`;
    response.writeHead(ok ? 200 : 401).end(ok ? 'internal data' : 'unauthorized');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

async function report(sandbox: ProcessSandbox, label: string): Promise<ProbeReport> {
  const text = await waitFor(`probe-${label}.json`, () =>
    readFile(join(sandbox.workspaceDir, `probe-${label}.json`), 'utf8').catch(() => undefined),
  );
  return JSON.parse(text) as ProbeReport;
}

/**
 * The hostile project's three ways in, on the process provider with isolation on: a
 * vite.config.ts the LLM writes (run by the dev server), a postinstall script (run by bun
 * install) and a vite.config.ts the user saves (run when Vite restarts on it).
 */
describe(`${ProcessSandboxProvider.name} isolation`, () => {
  let base: string;
  let dataDir: string;
  let provider: ProcessSandboxProvider;
  let servers: Server[];
  let targets: ProbeTargets;
  let otherWorkspace: string;

  beforeAll(async () => {
    base = await makeTempDir('isolation');
    dataDir = join(base, 'data');
    await mkdir(join(dataDir, 'postgres'), { recursive: true });
    for (const name of SECRETS) {
      await writeFile(join(dataDir, name), `${name}-canary-value`);
    }
    await writeFile(join(dataDir, 'postgres', 'PG_VERSION'), '18');
    await chmod(dataDir, 0o700);
    await writeFile(join(base, 'canary.txt'), 'untouched');
    provider = new ProcessSandboxProvider({
      root: join(dataDir, 'sandboxes'),
      templateCacheRoot: join(dataDir, 'template-cache'),
      poolSize: 0,
      isolation: 'on',
      pidsMax: PIDS_MAX,
    });
    const other = await provider.open('other-users-project');
    await other.writeFiles([{ path: 'src/private.ts', content: 'export const s = 1;\n' }]);
    otherWorkspace = other.workspaceDir;
    const token = await readFile(join(dataDir, 'runner-token'), 'utf8');
    servers = [await tokenGuarded(token), await tokenGuarded(token)];
    targets = {
      secretFiles: [
        ...SECRETS.map((name) => join(dataDir, name)),
        join(dataDir, 'postgres', 'PG_VERSION'),
      ],
      workspacesDir: join(dataDir, 'sandboxes', 'workspaces'),
      projectsDir: join(dataDir, 'sandboxes', 'projects'),
      canaryFile: join(base, 'canary.txt'),
      escapeFile: join(base, 'escaped.txt'),
      internalUrls: servers.map(urlOf),
      forks: PIDS_MAX + 16,
    };
  });

  afterAll(async () => {
    await provider.shutdown();
    for (const server of servers) {
      server.close();
    }
    await rm(base, { recursive: true, force: true });
  });

  function expectContained(probe: ProbeReport): void {
    expect(probe.uid).not.toBe(0);
    for (const file of targets.secretFiles) {
      expect(probe.secrets[file]).toBe('ENOENT');
    }
    const otherId = otherWorkspace.split('/').pop()!;
    expect(probe.workspaces).not.toContain(otherId);
    expect(probe.projects).toBe('ENOENT');
    expect(probe.canaryWrite).toMatch(/^(ENOENT|EACCES|EROFS)$/);
    expect(probe.escapeWrite).toMatch(/^(ENOENT|EACCES|EROFS)$/);
    for (const url of targets.internalUrls) {
      expect(probe.internal[url]).toBe('401 unauthorized');
    }
    expect(probe.forks.refused).toBeGreaterThan(0);
    expect(probe.forks.codes).toContain('EAGAIN');
    expect(probe.userNamespace).toContain('Operation not permitted');
  }

  async function expectHostUntouched(): Promise<void> {
    await expect(readFile(join(base, 'canary.txt'), 'utf8')).resolves.toBe('untouched');
    await expect(access(join(base, 'escaped.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const name of SECRETS) {
      await expect(readFile(join(dataDir, name), 'utf8')).resolves.toBe(`${name}-canary-value`);
    }
    await expect(readFile(join(otherWorkspace, 'src/private.ts'), 'utf8')).resolves.toContain(
      's = 1',
    );
  }

  it('contains an LLM-written vite.config.ts and a postinstall script, and keeps serving the preview', async () => {
    await expect(provider.isolationStatus()).resolves.toMatchObject({ isolated: true });
    const sandbox = await provider.open('hostile');
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
    expectContained(await report(sandbox, 'vite'));
    const page = await fetchPageModules(url);
    expect(page.ok).toBe(true);
    expect(page.page.body).toContain('/src/main.tsx');

    const install = await sandbox.install();
    expect(install.ok).toBe(true);
    expectContained(await report(sandbox, 'install'));
    await expectHostUntouched();
  });

  it("contains a vite.config.ts the user saves into a running app's workspace", async () => {
    const sandbox = await provider.open('hostile');
    const { url } = await sandbox.startDevServer();
    await sandbox.writeFiles([{ path: 'vite.config.ts', content: hostileViteConfig('save') }]);
    expectContained(await report(sandbox, 'save'));
    const again = await sandbox.startDevServer();
    await waitFor('the restarted preview', async () =>
      (await fetchPageModules(again.url).catch(() => null))?.ok ? true : undefined,
    );
    expect(again.url).toBe(url);
    await expectHostUntouched();
  });

  it('never follows a link the sandbox swaps in: writes and reads stay in the workspace', async () => {
    const sandbox = await provider.open('hostile');
    // What the sandbox's own code can do in its workspace: make links to places outside it.
    await writeFile(join(base, 'outside.txt'), 'outside');
    await symlink(base, join(sandbox.workspaceDir, 'escape'));
    await symlink(join(dataDir, 'auth-secret'), join(sandbox.workspaceDir, 'secret.txt'));
    await expect(sandbox.readFile('secret.txt')).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
    await expect(
      sandbox.writeFiles([{ path: 'escape/outside.txt', content: 'overwritten' }]),
    ).rejects.toMatchObject({ code: 'PATH_ESCAPES_WORKSPACE' });
    await expect(readFile(join(base, 'outside.txt'), 'utf8')).resolves.toBe('outside');
    await sandbox.deleteFiles(['escape/outside.txt', 'secret.txt']);
    await expect(readFile(join(base, 'outside.txt'), 'utf8')).resolves.toBe('outside');
    await expectHostUntouched();
  });
});
