import { randomUUID } from 'node:crypto';
import Dockerode from 'dockerode';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import { MANAGED_LABEL, PROJECT_LABEL } from '../container/container-labels';
import {
  ensureDockerSandboxImage,
  IMAGE_BUILD_TIMEOUT_MS,
  testProjectId,
} from './testing/docker-test-environment';

const docker = new Dockerode();

/**
 * Sandboxes outlive restarts of the stack around them: `docker compose down` removes the sandbox
 * network (the sandboxes are stopped by then) and `up` creates it again under a new id, which the
 * stopped containers still name. The next wake must recreate the container on its volume.
 */
describe(`${DockerSandboxProvider.name} across restarts of the stack`, () => {
  const network = `forge-test-net-${randomUUID().slice(0, 8)}`;
  const options = { namePrefix: 'forge-test', idleTimeoutMs: 0, network };
  const providers: DockerSandboxProvider[] = [];
  const projectIds: string[] = [];

  /** A new provider, as a restarted runner has. */
  const runner = () => {
    const provider = new DockerSandboxProvider(options);
    providers.push(provider);
    return provider;
  };

  /** What compose does: a network of that name, with inter-container traffic, new id. */
  const recreateNetwork = async (): Promise<string> => {
    await docker.getNetwork(network).remove();
    const created = await docker.createNetwork({ Name: network, Driver: 'bridge' });
    return created.id;
  };

  beforeAll(() => ensureDockerSandboxImage(), IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    const cleanup = runner();
    for (const projectId of projectIds) {
      await cleanup.destroy(projectId);
    }
    for (const provider of providers) {
      await provider.shutdown();
    }
    await docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined);
  });

  it('recreates a stopped container whose network was recreated, on the same volume', async () => {
    const projectId = testProjectId('restart');
    projectIds.push(projectId);
    const first = runner();
    const sandbox = await first.sandbox(projectId);
    await sandbox.writeFiles([{ path: 'src/kept.ts', content: 'export const kept = 1;\n' }]);
    const before = await docker.getContainer(sandbox.backend.containerName).inspect();
    // The runner goes down with the stack: its sandboxes stop, then the network goes.
    await first.shutdown();
    const networkId = await recreateNetwork();
    const stopped = await docker.getContainer(sandbox.backend.containerName).inspect();
    expect(stopped.State.Running).toBe(false);
    expect(stopped.NetworkSettings.Networks[network]!.NetworkID).not.toBe(networkId);
    // Starting it as it is fails as it did for users.
    await expect(docker.getContainer(sandbox.backend.containerName).start()).rejects.toThrow(
      /network .* not found/,
    );

    const woken = await runner().sandbox(projectId);
    const after = await docker.getContainer(woken.backend.containerName).inspect();
    expect(after.Id).not.toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(after.NetworkSettings.Networks[network]!.NetworkID).toBe(networkId);
    expect(after.Config.Labels).toMatchObject({
      [MANAGED_LABEL]: 'true',
      [PROJECT_LABEL]: projectId,
    });
    await expect(woken.readFile('src/kept.ts')).resolves.toBe('export const kept = 1;\n');
    // And the dev server comes up on the new network, where the runner and the API look for it.
    const server = await woken.startDevServer();
    expect(server.url).toBe(await woken.backend.devServerUrl());
    expect(await woken.backend.devServerAnswers()).toBe(true);
  });

  it('creates the network again when nobody did, and wakes the sandbox on it', async () => {
    const projectId = testProjectId('no-network');
    projectIds.push(projectId);
    const first = runner();
    const sandbox = await first.sandbox(projectId);
    await sandbox.writeFiles([{ path: 'kept.txt', content: 'still here\n' }]);
    // Every runner so far goes down: no sandbox keeps the network in use.
    for (const provider of providers) {
      await provider.shutdown();
    }
    await docker.getNetwork(network).remove();

    const woken = await runner().sandbox(projectId);
    const { Id } = (await docker.getNetwork(network).inspect()) as { Id: string };
    const info = await docker.getContainer(woken.backend.containerName).inspect();
    expect(info.NetworkSettings.Networks[network]!.NetworkID).toBe(Id);
    await expect(woken.readFile('kept.txt')).resolves.toBe('still here\n');
  });

  it('keeps the workspace volume labelled as managed by Forge, so one label finds everything', async () => {
    const projectId = projectIds[0]!;
    const { Volumes } = await docker.listVolumes({
      filters: { label: [`${MANAGED_LABEL}=true`, `${PROJECT_LABEL}=${projectId}`] },
    });
    expect((Volumes ?? []).map((volume) => volume.Name)).toEqual([
      `forge-test-${projectId}-workspace`,
    ]);
  });
});
