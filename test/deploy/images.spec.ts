import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type TestDatabase, createTestDatabase } from '../support/test-database';
import {
  answers,
  command,
  docker,
  freePort,
  healthStatus,
  startContainer,
  waitFor,
} from './support/docker-run';
import { REPO_ROOT } from './support/k8s-tools';

/**
 * The api, agent-runner and web images, built with no registry (deploy/build-images.sh
 * --offline: the base libs/sandbox/image/build-offline.sh imports, the apps built and staged
 * here, the legacy builder), then run against the tests' PostgreSQL on the host's network.
 */
const TAG = 'jest';
const IMAGES = {
  api: `forge-api:${TAG}`,
  runner: `forge-agent-runner:${TAG}`,
  web: `forge-web:${TAG}`,
};
/** A cold build (debootstrap, the sandbox image, three images) on two cores. */
const BUILD_TIMEOUT_MS = 20 * 60_000;
const RUN_TIMEOUT_MS = 180_000;
const DOCKER_SOCKET = '/var/run/docker.sock';

describe('the Forge images', () => {
  const suffix = randomBytes(4).toString('hex');
  const names = {
    api: `forge-test-api-${suffix}`,
    runner: `forge-test-runner-${suffix}`,
    web: `forge-test-web-${suffix}`,
  };
  const ports = { api: 0, runner: 0, web: 0 };
  let database: TestDatabase;

  beforeAll(async () => {
    const dockerd = await command(join(REPO_ROOT, 'libs/sandbox/image/ensure-dockerd.sh'), []);
    if (dockerd.code !== 0) {
      throw new Error(`no Docker engine: ${dockerd.stderr}`);
    }
    const build = await command(
      join(REPO_ROOT, 'deploy/build-images.sh'),
      ['--offline', 'api', 'agent-runner', 'web'],
      { FORGE_IMAGE_TAG: TAG },
    );
    if (build.code !== 0) {
      throw new Error(
        `deploy/build-images.sh failed:\n${build.stdout.slice(-4000)}\n${build.stderr.slice(-4000)}`,
      );
    }
    database = await createTestDatabase({ migrate: false });
    ports.api = await freePort();
    ports.runner = await freePort();
    ports.web = await freePort();
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const name of Object.values(names)) {
      await command('docker', ['rm', '-f', name]);
    }
    await database?.drop();
  });

  it(
    'migrates a database with the api image; the schema wait fails before and passes after',
    async () => {
      const env = ['-e', `DATABASE_URL=${database.url}`];
      const early = await command('docker', [
        'run',
        '--rm',
        '--network',
        'host',
        ...env,
        '-e',
        'WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS=1',
        IMAGES.api,
        'node',
        'deploy/wait-for-migrations.cjs',
      ]);
      expect(early.code).toBe(1);
      expect(early.stderr).toContain(
        'migrations are pending after 1 s (WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS)',
      );
      const migrate = await docker([
        'run',
        '--rm',
        '--network',
        'host',
        ...env,
        IMAGES.api,
        'node',
        'libs/db/dist/cli/migrate.js',
      ]);
      expect(migrate).toMatch(/^migrations applied: /);
      const tables = await database.query<{ count: string }>(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'projects'",
      );
      expect(tables[0]!.count).toBe('1');
      const wait = await docker([
        'run',
        '--rm',
        '--network',
        'host',
        ...env,
        IMAGES.runner,
        'node',
        'deploy/wait-for-migrations.cjs',
      ]);
      expect(wait).toContain('the schema is up to date');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'runs the API as user 10001 until it is ready and Docker calls it healthy',
    async () => {
      await startContainer(names.api, IMAGES.api, {
        DATABASE_URL: database.url,
        AUTH_SECRET: randomBytes(32).toString('hex'),
        APPS_DATABASE_KEY: randomBytes(32).toString('hex'),
        API_PORT: String(ports.api),
      });
      await waitFor(names.api, 'no answer on /api/health/ready', () =>
        answers(`http://127.0.0.1:${ports.api}/api/health/ready`),
      );
      await waitFor(
        names.api,
        'not healthy',
        async () => (await healthStatus(names.api)) === 'healthy',
      );
      await expect(docker(['exec', names.api, 'id', '-u'])).resolves.toBe('10001');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'runs the agent-runner as user 10001, with the Docker socket by its group, ready and healthy',
    async () => {
      // As compose runs it: the engine's socket, with the socket's group added to user 10001.
      const socketGroup = statSync(DOCKER_SOCKET).gid;
      await startContainer(
        names.runner,
        IMAGES.runner,
        {
          DATABASE_URL: database.url,
          APPS_DATABASE_KEY: randomBytes(32).toString('hex'),
          RUNNER_PORT: String(ports.runner),
          SANDBOX_PROVIDER: 'none',
        },
        ['-v', `${DOCKER_SOCKET}:${DOCKER_SOCKET}`, '--group-add', String(socketGroup)],
      );
      await waitFor(names.runner, 'no answer on /api/health/ready', () =>
        answers(`http://127.0.0.1:${ports.runner}/api/health/ready`),
      );
      await waitFor(
        names.runner,
        'not healthy',
        async () => (await healthStatus(names.runner)) === 'healthy',
      );
      await expect(docker(['exec', names.runner, 'id', '-u'])).resolves.toBe('10001');
      // The dockerode the sandbox library resolves, as the docker provider uses it.
      const ping = [
        'const Docker = require(require.resolve("dockerode", { paths: ["libs/sandbox"] }));',
        'new Docker().ping().then((answer) => console.log(String(answer)));',
      ].join(' ');
      await expect(docker(['exec', names.runner, 'node', '-e', ping])).resolves.toBe('OK');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'serves the web app with the SPA fallback, and passes /api to the API',
    async () => {
      await startContainer(names.web, IMAGES.web, {
        WEB_PORT: String(ports.web),
        API_URL: `http://127.0.0.1:${ports.api}`,
      });
      const web = `http://127.0.0.1:${ports.web}`;
      await waitFor(names.web, 'no answer on /', () => answers(`${web}/`));
      const page = await fetch(`${web}/projects/some-project`);
      expect(page.status).toBe(200);
      await expect(page.text()).resolves.toContain('<title>Forge</title>');
      const health = await fetch(`${web}/api/health`);
      await expect(health.json()).resolves.toMatchObject({ status: 'ok' });
      await waitFor(
        names.web,
        'not healthy',
        async () => (await healthStatus(names.web)) === 'healthy',
      );
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'ships the runtime files but no sources, compilers or test packages; exits cleanly on SIGTERM',
    async () => {
      for (const image of [IMAGES.api, IMAGES.runner]) {
        const check = await command('docker', [
          'run',
          '--rm',
          '--entrypoint',
          'sh',
          image,
          '-c',
          'for p in apps/*/src libs/*/src node_modules/typescript node_modules/jest node_modules/@angular; do test ! -e "$p" || echo "$p"; done',
        ]);
        expect([image, check.code, check.stdout.trim()]).toEqual([image, 0, '']);
      }
      // What the runner reads at run time besides its code: the prompts, the app template.
      const assets = await command('docker', [
        'run',
        '--rm',
        '--entrypoint',
        'sh',
        IMAGES.runner,
        '-c',
        'ls apps/agent-runner/prompts libs/sandbox/template/package.json',
      ]);
      expect(assets.code).toBe(0);
      expect(assets.stdout).toMatch(/\.md/);
      const stopped = await command('docker', ['stop', '--time', '10', names.api]);
      expect(stopped.code).toBe(0);
      await expect(
        docker(['inspect', '--format', '{{.State.ExitCode}}', names.api]),
      ).resolves.toMatch(/^(0|143)$/);
    },
    RUN_TIMEOUT_MS,
  );
});
