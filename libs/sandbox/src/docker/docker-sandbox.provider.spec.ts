import Dockerode from 'dockerode';
import type { SandboxFile } from '../core/sandbox';
import { dockerStatus } from './docker-engine';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import { fetchPageModules } from '../core/page-modules';
import { testProjectId, useDockerSandbox, waitFor } from './testing/docker-test-environment';

const docker = new Dockerode();

const appFiles = (greeting: string): SandboxFile[] => [
  { path: 'src/greeting.ts', content: `export const greeting = '${greeting}';\n` },
  {
    path: 'src/App.tsx',
    content: [
      "import { greeting } from './greeting';",
      '',
      'export default function App() {',
      '  return <h1 className="text-3xl font-bold">{greeting}</h1>;',
      '}',
      '',
    ].join('\n'),
  },
];

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

async function removed(inspect: () => Promise<unknown>): Promise<boolean> {
  try {
    await inspect();
    return false;
  } catch (error) {
    return dockerStatus(error) === 404;
  }
}

describe(DockerSandboxProvider.name, () => {
  const { provider, projectId, sandbox } = useDockerSandbox('journey');

  it('runs the container with its limits, no privileges and off the host network', async () => {
    const info = await docker.getContainer(sandbox().backend.containerName).inspect();
    const host = info.HostConfig;
    expect(host.Memory).toBe(provider.config.memoryBytes);
    expect(host.MemorySwap).toBe(provider.config.memoryBytes);
    expect(host.NanoCpus).toBe(provider.config.nanoCpus);
    expect(host.PidsLimit).toBe(provider.config.pidsLimit);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.Privileged).toBe(false);
    expect(host.SecurityOpt).toContain('no-new-privileges:true');
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.NetworkMode).toBe(provider.config.network);
    expect(host.NetworkMode).not.toBe('host');
    expect(info.Config.User).toBe('1000:1000');
    expect(info.Config.Labels).toMatchObject({
      'forge.project': projectId,
      'forge.managed': 'true',
    });
    const volume = await docker.getVolume(sandbox().backend.volumeName).inspect();
    expect(volume.Labels).toMatchObject({ 'forge.project': projectId, 'forge.managed': 'true' });
    const network = await docker.getNetwork(provider.config.network).inspect();
    expect(network.Options).toMatchObject({ 'com.docker.network.bridge.enable_icc': 'false' });
  });

  it('writes an app, installs, serves every module, and hot-reloads a change', async () => {
    await sandbox().writeFiles(appFiles('Hello from the journey'));
    const installed = await sandbox().install();
    expect(installed).toMatchObject({ ok: true, exitCode: 0, packages: [] });

    const { url } = await sandbox().startDevServer();
    expect(url).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:5173$/);
    const page = await fetchPageModules(url);
    expect(page.page.body).toContain('<div id="root"></div>');
    expect(page.modules.filter((module) => module.status !== 200)).toEqual([]);
    expect(page.ok).toBe(true);
    const app = page.modules.find((module) => module.url.startsWith('/src/App.tsx'));
    expect(app?.body).toContain('jsxDEV');
    expect(await fetchText(`${url}/src/greeting.ts`)).toContain('Hello from the journey');
    await expect(sandbox().startDevServer()).resolves.toEqual({ url });
    await expect(sandbox().status()).resolves.toBe('running');

    await sandbox().writeFiles(appFiles('Changed while running'));
    await waitFor('the changed module', async () =>
      (await fetchText(`${url}/src/greeting.ts`)).includes('Changed while running')
        ? true
        : undefined,
    );
    const logs = sandbox().logs();
    expect(logs.some((line) => line.stream === 'dev' && line.text.includes('VITE'))).toBe(true);
    expect(logs.map((line) => line.seq)).toEqual(logs.map((_, index) => index + 1));
    expect(sandbox().logs(logs.at(-1)!.seq)).toEqual([]);
  });

  it('reads and deletes files', async () => {
    await sandbox().writeFiles([{ path: 'notes/todo.md', content: 'línea 1\n\nline 3\n' }]);
    await expect(sandbox().readFile('notes/todo.md')).resolves.toBe('línea 1\n\nline 3\n');
    await expect(sandbox().readFile('notes/missing.md')).resolves.toBeNull();
    await sandbox().deleteFiles(['notes/todo.md', 'notes/never-there.md']);
    await expect(sandbox().readFile('notes/todo.md')).resolves.toBeNull();
  });

  it('runs the project type-checker in the container, and reports a type error', async () => {
    const tsc = ['tsc', '-p', 'tsconfig.app.json', '--noEmit', '--pretty', 'false'];
    await expect(sandbox().runTool(tsc)).resolves.toEqual({
      exitCode: 0,
      timedOut: false,
      output: '',
    });
    await sandbox().writeFiles([
      { path: 'src/broken.ts', content: "export const count: number = 'three';\n" },
    ]);
    const broken = await sandbox().runTool(tsc);
    expect(broken).toMatchObject({ exitCode: 2, timedOut: false });
    expect(broken.output).toContain('src/broken.ts');
    expect(broken.output).toContain('error TS2322');
    await sandbox().deleteFiles(['src/broken.ts']);
    await expect(sandbox().runTool(['sh', '-c', 'id'])).rejects.toMatchObject({
      code: 'TOOL_NOT_FOUND',
    });
  });

  it('keeps the files when the container restarts, and restarts the dev server', async () => {
    await docker.getContainer(sandbox().backend.containerName).restart({ t: 1 });
    await expect(sandbox().readFile('src/greeting.ts')).resolves.toContain('Changed while running');
    const { url } = await sandbox().startDevServer();
    expect((await fetchPageModules(url)).ok).toBe(true);

    await sandbox().stop();
    await expect(sandbox().status()).resolves.toBe('stopped');
    await expect(sandbox().readFile('src/greeting.ts')).resolves.toContain('Changed while running');
  });

  it('restarts a crashed dev server', async () => {
    const { url } = await sandbox().startDevServer();
    const container = docker.getContainer(sandbox().backend.containerName);
    const kill = await container.exec({
      Cmd: ['sh', '-c', 'kill -KILL "$(cat /tmp/forge/dev-server.pid)"'],
    });
    await kill.start({});
    await waitFor('the crash to be seen', async () =>
      (await sandbox().status()) === 'crashed' ? true : undefined,
    );
    await expect(sandbox().startDevServer()).resolves.toEqual({ url });
    expect((await fetchPageModules(url)).ok).toBe(true);
  });

  it('destroy removes the container and the volume, and the project leaves projectIds', async () => {
    const other = testProjectId('destroy');
    const { backend } = await provider.sandbox(other);
    // Listed by label, as the runner's reaper finds them, this process's or another's.
    await expect(provider.projectIds()).resolves.toEqual(expect.arrayContaining([other]));
    await provider.destroy(other);
    await expect(provider.projectIds()).resolves.not.toContain(other);
    await expect(removed(() => docker.getContainer(backend.containerName).inspect())).resolves.toBe(
      true,
    );
    await expect(removed(() => docker.getVolume(backend.volumeName).inspect())).resolves.toBe(true);
  });
});
