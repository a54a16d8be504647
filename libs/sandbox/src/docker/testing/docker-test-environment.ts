import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ContainerSandbox } from '../../container/container-sandbox';
import type { DockerBackend } from '../docker-backend';
import { DockerSandboxProvider } from '../docker-sandbox.provider';

const IMAGE_DIR = join(__dirname, '..', '..', '..', 'image');
/** The first build (debootstrap, import, docker build) takes about 70 s here; a cached one 1 s. */
export const IMAGE_BUILD_TIMEOUT_MS = 30 * 60_000;

/**
 * Starts dockerd when it does not answer and builds the sandbox image when it is missing or
 * stale, with the same scripts a developer runs. Throws when either fails: the docker tests
 * need a real engine, and CI must fail rather than skip without one.
 */
export function ensureDockerSandboxImage(): void {
  for (const script of ['ensure-dockerd.sh', 'build-offline.sh']) {
    execFileSync('bash', [join(IMAGE_DIR, script)], {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: IMAGE_BUILD_TIMEOUT_MS,
    });
  }
}

/** A project id no other test run uses. */
export function testProjectId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** A test provider and one project's sandbox, for the spec file it is called in. */
export interface DockerSandboxFixture {
  provider: DockerSandboxProvider;
  projectId: string;
  /** The project's sandbox, made in the beforeAll. */
  sandbox(): ContainerSandbox<DockerBackend>;
}

/**
 * Builds the image when needed and makes a sandbox for a project labelled `label` in a
 * beforeAll; destroys it and shuts the provider down in an afterAll.
 */
export function useDockerSandbox(label: string): DockerSandboxFixture {
  const provider = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 0 });
  const projectId = testProjectId(label);
  let sandbox: ContainerSandbox<DockerBackend> | undefined;

  beforeAll(async () => {
    ensureDockerSandboxImage();
    sandbox = await provider.sandbox(projectId);
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await provider.destroy(projectId);
    await provider.shutdown();
  });

  return {
    provider,
    projectId,
    sandbox() {
      if (!sandbox) {
        throw new Error('the docker sandbox was not made (see beforeAll)');
      }
      return sandbox;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
