import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** How long a started container may take to answer its health check. */
export const READY_DEADLINE_MS = 120_000;
const POLL_MS = 500;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, printing nothing; a non-zero exit is a result. */
export function command(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function docker(args: string[]): Promise<string> {
  const result = await command('docker', args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return result.stdout.trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts a detached container on the host's network, locked down as the Kubernetes manifests
 * run it: read-only root file system with a /tmp, no capabilities, no privilege escalation.
 */
export async function startContainer(
  name: string,
  image: string,
  env: Record<string, string>,
  extraFlags: string[] = [],
): Promise<void> {
  const flags = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  await docker([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    '--tmpfs',
    '/tmp',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...flags,
    ...extraFlags,
    image,
  ]);
}

async function logsOf(container: string): Promise<string> {
  const result = await command('docker', ['logs', '--tail', '40', container]);
  return `${result.stdout}${result.stderr}`;
}

/** Waits until `check` resolves true; fails with the container's last log lines otherwise. */
export async function waitFor(
  container: string,
  what: string,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) {
      return;
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  throw new Error(
    `${container}: ${what} within ${READY_DEADLINE_MS} ms (READY_DEADLINE_MS); its log:\n${await logsOf(container)}`,
  );
}

export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

export async function healthStatus(container: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.Health.Status}}', container]);
}
