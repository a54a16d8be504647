import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WEB_VARIABLES, unreadVariables } from './support/app-variables';
import { REPO_ROOT } from './support/k8s-tools';
import { SECRET_VARIABLES } from './support/k8s-validation';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  networks?: string[];
  group_add?: string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks: Record<string, { name?: string }>;
}

const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = join(REPO_ROOT, 'deploy', '.env.example');
/** Secrets compose must refuse to start without (`${NAME:?message}`). */
const REQUIRED_SECRETS = [
  'POSTGRES_PASSWORD',
  'AUTH_SECRET',
  'RUNNER_SERVICE_TOKEN',
  'PREVIEW_TOKEN_SECRET',
  'APPS_DATABASE_KEY',
];
const INTERPOLATION = /\$\{([A-Z_][A-Z0-9_]*)(?:(:?[?-])[^}]*)?\}/g;

const text = readFileSync(COMPOSE_FILE, 'utf8');
const compose = parse(text) as ComposeFile;
const services = compose.services;

/** True when the engine's CLI has the compose plugin (not the case with Debian's docker.io). */
function composePluginAvailable(): boolean {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;
}

/** True when Debian's docker-compose (v1, 1.29) is installed: scripts/setup-test-env.sh installs it. */
function composeV1Available(): boolean {
  return spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
}

function dockerfileHasHealthcheck(service: ComposeService): boolean {
  if (!service.build) {
    return false;
  }
  const dockerfile = join(REPO_ROOT, service.build.context, service.build.dockerfile);
  return /^HEALTHCHECK /m.test(readFileSync(dockerfile, 'utf8'));
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis, the migration, the api, the runner and the web app on port 3000', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'agent-runner',
        'api',
        'apps-postgres',
        'migrate',
        'postgres',
        'redis',
        'sandbox-image',
        'web',
      ].sort(),
    );
    expect(services.postgres!.image).toBe('${POSTGRES_IMAGE:-postgres:16}');
    expect(services.redis!.image).toBe('${REDIS_IMAGE:-redis:7-alpine}');
    expect(services.web!.ports).toEqual([
      '${FORGE_BIND_ADDRESS:-127.0.0.1}:${WEB_HOST_PORT:-3000}:3000',
    ]);
    expect(services.migrate!.command).toEqual(['node', 'libs/db/dist/cli/migrate.js']);
    for (const name of ['api', 'agent-runner', 'web']) {
      expect(services[name]!.build!.dockerfile).toBe(`deploy/${name}.Dockerfile`);
      expect(services[name]!.restart).toBe('unless-stopped');
    }
  });

  it('waits for healthy services and a successful migration, and every awaited service has a health check', () => {
    const conditions = Object.fromEntries(
      Object.entries(services).map(([name, service]) => [
        name,
        Object.fromEntries(
          Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => [
            dependency,
            condition,
          ]),
        ),
      ]),
    );
    expect(conditions).toMatchObject({
      migrate: { postgres: 'service_healthy' },
      api: { migrate: 'service_completed_successfully', redis: 'service_healthy' },
      'agent-runner': {
        migrate: 'service_completed_successfully',
        'sandbox-image': 'service_completed_successfully',
      },
      web: { api: 'service_healthy' },
    });
    const awaited = Object.values(conditions).flatMap((dependencies) =>
      Object.entries(dependencies)
        .filter(([, condition]) => condition === 'service_healthy')
        .map(([dependency]) => dependency),
    );
    for (const name of new Set(awaited)) {
      const service = services[name]!;
      expect([name, !!service.healthcheck || dockerfileHasHealthcheck(service)]).toEqual([
        name,
        true,
      ]);
    }
  });

  it('keeps PostgreSQL data in a named volume', () => {
    expect(services.postgres!.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(services['apps-postgres']!.volumes).toEqual([
      'apps-postgres-data:/var/lib/postgresql/data',
    ]);
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data', 'apps-postgres-data']);
  });

  it("puts the apps' databases on a server of their own, on the sandboxes' network only", () => {
    // Forge's PostgreSQL stays off the network sandboxes are on; the apps' server is only there.
    expect(services.postgres!.networks).toBeUndefined();
    expect(services['apps-postgres']!.networks).toEqual(['sandboxes']);
    for (const name of ['agent-runner', 'api']) {
      const env = services[name]!.environment as Record<string, string>;
      expect([name, env.APPS_DATABASE_URL]).toEqual([
        name,
        expect.stringMatching(
          /^postgres:\/\/forge:\$\{POSTGRES_PASSWORD:\?[^}]*\}@apps-postgres:5432\/apps$/,
        ),
      ]);
      expect(services[name]!.networks).toContain('sandboxes');
    }
    expect(services['agent-runner']!.depends_on).toMatchObject({
      'apps-postgres': { condition: 'service_healthy' },
    });
  });

  it('takes every secret from .env, and refuses to start without the required ones', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (!SECRET_VARIABLES.test(variable)) {
          continue;
        }
        const where = `${name} ${variable}=${value}`;
        if (variable.endsWith('_URL')) {
          // A password in a URL only by interpolation; no password at all is fine.
          const password = /^[a-z]+:\/\/[^/@]*:([^/@]*)@/.exec(value)?.[1];
          if (password !== undefined) {
            expect([where, password]).toEqual([
              where,
              expect.stringMatching(/^\$\{[A-Z_]+:\?[^}]*\}$/),
            ]);
          }
        } else {
          expect([where, value]).toEqual([
            where,
            expect.stringMatching(/^\$\{[A-Z_]+(:[?-][^}]*)?\}$/),
          ]);
        }
      }
    }
    for (const secret of REQUIRED_SECRETS) {
      expect(text).toContain(`\${${secret}:?`);
    }
  });

  it('lists every variable it interpolates in deploy/.env.example, with no secret filled in', () => {
    const example = readFileSync(ENV_EXAMPLE, 'utf8');
    const listed = new Map(
      [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    const interpolated = new Set([...text.matchAll(INTERPOLATION)].map((match) => match[1]!));
    expect([...interpolated].filter((name) => !listed.has(name))).toEqual([]);
    for (const secret of [...REQUIRED_SECRETS, 'OPENROUTER_API_KEY', 'LLM_API_KEY']) {
      expect([secret, listed.get(secret)]).toEqual([secret, '']);
    }
  });

  it('sets only variables the apps read', () => {
    const appVariables = ['migrate', 'api', 'agent-runner'].flatMap((name) =>
      Object.keys(services[name]!.environment ?? {}),
    );
    expect(unreadVariables(appVariables)).toEqual([]);
    expect(unreadVariables(Object.keys(services.web!.environment ?? {}), WEB_VARIABLES)).toEqual(
      [],
    );
  });

  it('gives the runner the Docker socket and its group, and the docker provider a network the api shares', () => {
    const runner = services['agent-runner']!;
    expect(runner.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(runner.group_add).toEqual([expect.stringMatching(/^\$\{DOCKER_GID:\?/)]);
    expect(runner.environment).toMatchObject({
      SANDBOX_PROVIDER: 'docker',
      SANDBOX_DOCKER_NETWORK: compose.networks.sandboxes!.name,
    });
    expect(runner.networks).toContain('sandboxes');
    expect(services.api!.networks).toContain('sandboxes');
    expect(services.postgres!.networks).toBeUndefined();
  });

  it('is read alike by Compose v2 and docker-compose 1.29: no top-level name, no brace inside a default', () => {
    expect(Object.keys(compose)).not.toContain('name');
    // v1 ends `${VAR:-default}` at the first "}", so a default with braces is cut short.
    const defaults = [...text.matchAll(/\$\{[A-Z_][A-Z0-9_]*:?-([^}]*)\}/g)].map((m) => m[1]!);
    expect(defaults.filter((value) => value.includes('{'))).toEqual([]);
    expect(text).not.toMatch(/\$\{[^}]*\{/);
  });

  it('names its project in deploy/.env.example (COMPOSE_PROJECT_NAME)', () => {
    expect(readFileSync(ENV_EXAMPLE, 'utf8')).toMatch(/^COMPOSE_PROJECT_NAME=forge$/m);
  });

  (composeV1Available() ? it : it.skip)(
    'is valid for docker-compose 1.29 `config`, with the defaults it resolves',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'forge-compose-'));
      try {
        const secrets = REQUIRED_SECRETS.map((name) => `${name}=${'x'.repeat(40)}`);
        writeFileSync(join(dir, '.env'), [...secrets, 'DOCKER_GID=999'].join('\n'));
        const result = spawnSync(
          'docker-compose',
          [
            '--project-directory',
            REPO_ROOT,
            '--env-file',
            join(dir, '.env'),
            '-f',
            COMPOSE_FILE,
            'config',
          ],
          { encoding: 'utf8' },
        );
        expect([result.status, result.stderr]).toEqual([0, '']);
        const resolved = parse(result.stdout) as ComposeFile;
        expect(resolved.services.api!.environment).toMatchObject({
          PREVIEW_HOST: '0.0.0.0',
          PREVIEW_URL_TEMPLATE: '',
        });
        expect(resolved.services.postgres!.image).toBe('postgres:16');
        expect(resolved.networks.sandboxes!.name).toBe('forge-sandboxes');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  (composePluginAvailable() ? it : it.skip)('is valid for `docker compose config`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forge-compose-'));
    try {
      const envFile = join(dir, '.env');
      const secrets = REQUIRED_SECRETS.map((name) => `${name}=${'x'.repeat(40)}`);
      writeFileSync(envFile, [...secrets, 'DOCKER_GID=999'].join('\n'));
      const result = spawnSync(
        'docker',
        ['compose', '--env-file', envFile, '-f', COMPOSE_FILE, 'config', '--quiet'],
        { encoding: 'utf8' },
      );
      expect([result.status, result.stderr]).toEqual([0, '']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
