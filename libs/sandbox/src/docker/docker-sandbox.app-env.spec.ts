import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSandbox } from '../container/container-sandbox';
import type { DockerBackend } from './docker-backend';
import { DockerSandboxProvider } from './docker-sandbox.provider';
import {
  ensureDockerSandboxImage,
  IMAGE_BUILD_TIMEOUT_MS,
  testProjectId,
} from './testing/docker-test-environment';

/** The starter's config with a route that says which DATABASE_URL the dev server was given. */
const VITE_CONFIG = readFileSync(join(__dirname, '../../template/vite.config.ts'), 'utf8').replace(
  'plugins: [react(), tailwindcss(), apiRoutes()],',
  `plugins: [
    react(),
    tailwindcss(),
    apiRoutes(),
    {
      name: 'database-url',
      configureServer(server) {
        server.middlewares.use('/__database-url', (_req, res) => {
          res.end(process.env.DATABASE_URL ?? 'unset');
        });
      },
    },
  ],`,
);

/** The app's variables (DATABASE_URL) in a docker sandbox's dev server, through `env`. */
describe(`${DockerSandboxProvider.name} app variables`, () => {
  const provider = new DockerSandboxProvider({ namePrefix: 'forge-test', idleTimeoutMs: 0 });
  const projectId = testProjectId('app-env');
  let sandbox: ContainerSandbox<DockerBackend>;

  beforeAll(async () => {
    ensureDockerSandboxImage();
    sandbox = await provider.sandbox(projectId);
  }, IMAGE_BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await provider.destroy(projectId);
    await provider.shutdown();
  });

  const seen = async (url: string) => (await fetch(`${url}/__database-url`)).text();

  it('starts the dev server with them, restarts it when they change, and keeps them out of the log', async () => {
    await sandbox.writeFiles([{ path: 'vite.config.ts', content: VITE_CONFIG }]);
    const first = 'postgres://app_1:secret-one@apps-db:5432/app_1';
    expect(await sandbox.setAppEnv({ DATABASE_URL: first })).toBe(false);
    const { url } = await sandbox.startDevServer();
    expect(await seen(url)).toBe(first);

    expect(await sandbox.setAppEnv({ DATABASE_URL: first })).toBe(false);
    const second = 'postgres://app_1:secret-two@apps-db:5432/app_1';
    expect(await sandbox.setAppEnv({ DATABASE_URL: second })).toBe(true);
    const restarted = await sandbox.startDevServer();
    expect(await seen(restarted.url)).toBe(second);
    expect(
      sandbox
        .logs()
        .map((line) => line.text)
        .join('\n'),
    ).not.toContain('secret-');
  });

  it('refuses a name the sandbox sets itself or that is not a variable name', async () => {
    await expect(sandbox.setAppEnv({ PATH: '/tmp' })).rejects.toThrow(
      /PATH cannot be an app variable/,
    );
    await expect(sandbox.setAppEnv({ 'A=B': 'x' })).rejects.toThrow(/cannot be an app variable/);
  });
});
