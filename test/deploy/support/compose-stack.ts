import { type SpawnSyncReturns, execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './k8s-tools';

/** The long-running services; migrate and sandbox-image run once and exit. */
export const LONG_RUNNING = ['postgres', 'redis', 'agent-runner', 'api', 'web'] as const;

export function dockerAnswers(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

/** docker-compose 1.29 when installed (Debian's, as CI has), else the v2 plugin. */
export function composeCommand(): string[] | undefined {
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) {
    return ['docker-compose'];
  }
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) {
    return ['docker', 'compose'];
  }
  return undefined;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end with a deadline; a non-zero exit is a result. */
export function runCommand(
  argv: string[],
  options: { timeoutMs: number; env?: Record<string, string> },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      {
        cwd: REPO_ROOT,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...options.env },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            new Error(
              `${argv.join(' ')} did not finish within ${options.timeoutMs} ms: ${stderr}`,
              {
                cause: error,
              },
            ),
          );
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Fails with the command's output when it did not succeed. */
/** Runs `argv` and answers its stdout; a non-zero exit throws with its output (check()). */
export function runChecked(argv: string[], timeoutMs?: number): string {
  return check(
    argv,
    spawnSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
    }),
  );
}

export function check(argv: string[], result: CommandResult | SpawnSyncReturns<string>): string {
  const code = 'code' in result ? result.code : result.status;
  if (code !== 0) {
    throw new Error(
      `${argv.join(' ')} exited ${code}:\n${String(result.stdout).slice(-4000)}\n${String(result.stderr).slice(-4000)}`,
    );
  }
  return String(result.stdout);
}

/**
 * One compose project of docker-compose.yml with its own name, host ports, sandbox network and
 * secrets, so it runs beside any other stack on the engine. The images are the offline ones
 * (deploy/build-images.sh --offline, deploy/offline/build.sh).
 */
export class ComposeStack {
  readonly project = `forgee2e${randomBytes(3).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'forge-compose-e2e-'));
  readonly envFile = join(this.dir, '.env');
  readonly network = `${this.project}-sandboxes`;
  webPort = 0;
  previewPort = 0;
  publishPort = 0;

  constructor(private readonly compose: string[]) {}

  get webUrl(): string {
    return `http://localhost:${this.webPort}`;
  }

  async configure(): Promise<void> {
    this.webPort = await freePort();
    this.previewPort = await freePort();
    this.publishPort = await freePort();
    const secret = () => randomBytes(32).toString('hex');
    const env = {
      COMPOSE_PROJECT_NAME: this.project,
      POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
      AUTH_SECRET: secret(),
      RUNNER_SERVICE_TOKEN: secret(),
      PREVIEW_TOKEN_SECRET: secret(),
      APPS_DATABASE_KEY: secret(),
      DOCKER_GID: String(statSync('/var/run/docker.sock').gid),
      PUBLIC_URL: this.webUrl,
      PREVIEW_URL_TEMPLATE: `http://{projectId}.preview.localhost:${this.previewPort}`,
      FORGE_BIND_ADDRESS: '127.0.0.1',
      WEB_HOST_PORT: String(this.webPort),
      PREVIEW_HOST_PORT: String(this.previewPort),
      PUBLISH_HOST_PORT: String(this.publishPort),
      PUBLISH_URL_TEMPLATE: `http://{slug}.apps.localhost:${this.publishPort}`,
      SANDBOX_NETWORK: this.network,
      POSTGRES_IMAGE: 'forge-postgres:local',
      REDIS_IMAGE: 'forge-redis:local',
      // The offline demo model: no key, no LLM server.
      OPENROUTER_API_KEY: '',
      LLM_BASE_URL: '',
    };
    writeFileSync(
      this.envFile,
      Object.entries(env)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    );
  }

  /** `docker-compose <args>` on this project, with a deadline. */
  async run(args: string[], timeoutMs: number): Promise<string> {
    const argv = [
      ...this.compose,
      '--project-directory',
      REPO_ROOT,
      '--env-file',
      this.envFile,
      '-f',
      join(REPO_ROOT, 'docker-compose.yml'),
      '-p',
      this.project,
      ...args,
    ];
    return check(argv, await runCommand(argv, { timeoutMs }));
  }

  /** The health of each long-running service's container ('none' without a check). */
  health(): Record<string, string> {
    const argv = [
      'docker',
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${this.project}`,
      '--format',
      '{{.Label "com.docker.compose.service"}} {{.State}} {{.Status}}',
    ];
    const out = runChecked(argv);
    const states: Record<string, string> = {};
    for (const line of out.trim().split('\n').filter(Boolean)) {
      const [service, state, ...status] = line.split(' ');
      const text = status.join(' ');
      states[service!] =
        state !== 'running'
          ? state!
          : /\(healthy\)/.test(text)
            ? 'healthy'
            : /\(unhealthy\)/.test(text)
              ? 'unhealthy'
              : /health: starting/.test(text)
                ? 'starting'
                : 'running';
    }
    return states;
  }

  /** Waits until every long-running service is healthy; fails at the deadline with their states. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = this.health();
      if (LONG_RUNNING.every((service) => states[service] === 'healthy')) {
        return;
      }
      if (Date.now() > deadline) {
        const logs = await this.run(['logs', '--tail', '30'], 60_000).catch(String);
        throw new Error(
          `the stack was not healthy within ${timeoutMs} ms: ${JSON.stringify(states)}\n${logs}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  removeDir(): void {
    if (process.env.FORGE_E2E_KEEP === '1') {
      return;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Names of the containers or volumes carrying every one of these labels. */
export function labelled(kind: 'container' | 'volume', labels: string[]): string[] {
  const filters = labels.flatMap((label) => ['--filter', `label=${label}`]);
  const argv =
    kind === 'container'
      ? ['docker', 'ps', '-a', ...filters, '--format', '{{.Names}}']
      : ['docker', 'volume', 'ls', ...filters, '--format', '{{.Name}}'];
  const out = runChecked(argv);
  return out.split('\n').filter(Boolean).sort();
}
