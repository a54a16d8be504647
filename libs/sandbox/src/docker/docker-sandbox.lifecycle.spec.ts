import { existsSync } from 'node:fs';
import Dockerode from 'dockerode';
import type { ContainerSandbox } from '../container/container-sandbox';
import type { DockerBackend } from './docker-backend';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import { SANDBOX_CA_BUNDLE_PATH } from '../container/container-env';
import {
  ensureDockerSandboxImage,
  IMAGE_BUILD_TIMEOUT_MS,
  testProjectId,
  waitFor,
} from './testing/docker-test-environment';

const docker = new Dockerode();
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

async function run(sandbox: ContainerSandbox<DockerBackend>, script: string): Promise<number> {
  const result = await sandbox.backend.exec({ argv: ['sh', '-c', script] });
  return result.exitCode ?? -1;
}

describe(`${DockerSandboxProvider.name} (paths, packages, cancel, idle)`, () => {
  const provider = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 0 });
  const projectIds: string[] = [];
  let sandbox: ContainerSandbox<DockerBackend>;

  const newSandbox = async (target: DockerSandboxProvider, label: string) => {
    const projectId = testProjectId(label);
    projectIds.push(projectId);
    return target.sandbox(projectId);
  };

  beforeAll(async () => {
    ensureDockerSandboxImage();
    sandbox = await newSandbox(provider, 'paths');
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const projectId of projectIds) {
      await provider.destroy(projectId);
    }
    await provider.shutdown();
  });

  it('refuses paths outside the project before reaching the container', async () => {
    for (const path of [
      '../escape.txt',
      '/etc/passwd',
      'node_modules/x.js',
      '.git/config',
      'a//b',
    ]) {
      await expect(sandbox.writeFiles([{ path, content: 'x' }])).rejects.toMatchObject({
        code: 'INVALID_PATH',
      });
      await expect(sandbox.readFile(path)).rejects.toMatchObject({ code: 'INVALID_PATH' });
      await expect(sandbox.deleteFiles([path])).rejects.toMatchObject({ code: 'INVALID_PATH' });
    }
    await expect(
      sandbox.writeFiles([
        { path: 'src', content: 'x' },
        { path: 'src/a.ts', content: 'x' },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_PATH' });
  });

  it('does not follow symbolic links out of the workspace', async () => {
    expect(
      await run(sandbox, 'ln -s /etc /workspace/etc-link && ln -s /etc/hostname /workspace/host'),
    ).toBe(0);
    await expect(sandbox.readFile('etc-link/hostname')).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
    await expect(sandbox.readFile('host')).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
    await expect(sandbox.deleteFiles(['etc-link/hostname'])).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
    await expect(
      sandbox.writeFiles([{ path: 'etc-link/forge-was-here', content: 'x' }]),
    ).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    expect(await run(sandbox, 'test ! -e /etc/forge-was-here && test -s /etc/hostname')).toBe(0);
    // A file written over a link replaces the link and stays in the workspace.
    await sandbox.writeFiles([{ path: 'host', content: 'mine\n' }]);
    await expect(sandbox.readFile('host')).resolves.toBe('mine\n');
    expect(
      await run(sandbox, 'test ! -L /workspace/host && test "$(cat /etc/hostname)" != mine'),
    ).toBe(0);
  });

  it('refuses package names that are not npm names', async () => {
    for (const spec of ['--registry=http://evil', 'https://evil/x.tgz', 'a b', '../local']) {
      await expect(sandbox.install([spec])).rejects.toMatchObject({ code: 'INVALID_PACKAGE' });
    }
  });

  it('stops a starting dev server when the call is cancelled', async () => {
    const controller = new AbortController();
    const starting = sandbox.startDevServer({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(starting).rejects.toMatchObject({ code: 'ABORTED' });
    await waitFor('the dev server to be gone', async () =>
      (await run(sandbox, 'kill -0 "$(cat /tmp/forge/dev-server.pid)" 2>/dev/null')) !== 0
        ? true
        : undefined,
    );
    await expect(sandbox.status()).resolves.toBe('stopped');
  });

  it('stops an idle container and starts it again on the next call', async () => {
    const idle = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 500 });
    const sleepy = await newSandbox(idle, 'idle');
    await sleepy.writeFiles([{ path: 'kept.txt', content: 'still here\n' }]);
    const container = docker.getContainer(sleepy.backend.containerName);
    await waitFor('the idle stop', async () =>
      (await container.inspect()).State.Running ? undefined : true,
    );
    await expect(sleepy.status()).resolves.toBe('stopped');
    await expect(sleepy.readFile('kept.txt')).resolves.toBe('still here\n');
    expect((await container.inspect()).State.Running).toBe(true);
    await idle.shutdown();
  });

  it('replaces a container of an older image when it wakes, keeping the files', async () => {
    const old = await newSandbox(provider, 'upgrade');
    await old.writeFiles([{ path: 'kept.txt', content: 'across images\n' }]);
    await old.stop();
    const container = docker.getContainer(old.backend.containerName);
    const derived = { repo: 'forge-test-sandbox', tag: 'derived' };
    await container.commit(derived);
    const upgraded = new DockerSandboxProvider({
      namePrefix: 'forge-test',
      idleTimeoutMs: 0,
      image: `${derived.repo}:${derived.tag}`,
    });
    try {
      const woken = await upgraded.sandbox(projectIds.at(-1)!);
      const imageId = (await docker.getImage(upgraded.config.image).inspect()).Id;
      expect((await container.inspect()).Image).toBe(imageId);
      await expect(woken.readFile('kept.txt')).resolves.toBe('across images\n');
    } finally {
      await upgraded.destroy(projectIds.at(-1)!);
      await docker.getImage(upgraded.config.image).remove();
    }
  });

  it('installs a new package from the registry with the host CA bundle mounted', async () => {
    expect(existsSync(HOST_CA_BUNDLE)).toBe(true);
    const withCa = new DockerSandboxProvider({
      namePrefix: 'forge-test',
      idleTimeoutMs: 0,
      caBundlePath: HOST_CA_BUNDLE,
    });
    const online = await newSandbox(withCa, 'registry');
    const info = await docker.getContainer(online.backend.containerName).inspect();
    expect(info.Config.Env).toContain(`NODE_EXTRA_CA_CERTS=${SANDBOX_CA_BUNDLE_PATH}`);
    expect(info.HostConfig.Mounts).toContainEqual(
      expect.objectContaining({
        Source: HOST_CA_BUNDLE,
        Target: SANDBOX_CA_BUNDLE_PATH,
        ReadOnly: true,
      }),
    );
    const result = await online.install(['is-number@7.0.0']);
    expect(result).toMatchObject({ ok: true, exitCode: 0, packages: ['is-number@7.0.0'] });
    expect(JSON.parse((await online.readFile('package.json'))!).dependencies).toHaveProperty(
      'is-number',
    );
    expect(online.logs().some((line) => line.stream === 'install')).toBe(true);
    await withCa.shutdown();
  });
});
