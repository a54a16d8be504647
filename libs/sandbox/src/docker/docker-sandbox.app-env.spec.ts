import { DockerSandboxProvider } from './docker-sandbox.provider';
import { databaseUrlViteConfig } from '../testing/database-url-vite-config';
import { useDockerSandbox } from './testing/docker-test-environment';

/** The starter's config with a route that says which DATABASE_URL the dev server was given. */
const VITE_CONFIG = databaseUrlViteConfig();

/** The app's variables (DATABASE_URL) in a docker sandbox's dev server, through `env`. */
describe(`${DockerSandboxProvider.name} app variables`, () => {
  const { sandbox } = useDockerSandbox('app-env');

  const seen = async (url: string) => (await fetch(`${url}/__database-url`)).text();

  it('starts the dev server with them, restarts it when they change, and keeps them out of the log', async () => {
    await sandbox().writeFiles([{ path: 'vite.config.ts', content: VITE_CONFIG }]);
    const first = 'postgres://app_1:secret-one@apps-db:5432/app_1';
    expect(await sandbox().setAppEnv({ DATABASE_URL: first })).toBe(false);
    const { url } = await sandbox().startDevServer();
    expect(await seen(url)).toBe(first);

    expect(await sandbox().setAppEnv({ DATABASE_URL: first })).toBe(false);
    const second = 'postgres://app_1:secret-two@apps-db:5432/app_1';
    expect(await sandbox().setAppEnv({ DATABASE_URL: second })).toBe(true);
    const restarted = await sandbox().startDevServer();
    expect(await seen(restarted.url)).toBe(second);
    expect(
      sandbox()
        .logs()
        .map((line) => line.text)
        .join('\n'),
    ).not.toContain('secret-');
  });

  it('refuses a name the sandbox sets itself or that is not a variable name', async () => {
    await expect(sandbox().setAppEnv({ PATH: '/tmp' })).rejects.toThrow(
      /PATH cannot be an app variable/,
    );
    await expect(sandbox().setAppEnv({ 'A=B': 'x' })).rejects.toThrow(/cannot be an app variable/);
  });
});
