import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Longest wait for an app's `npm start` to say where it listens. */
const START_TIMEOUT_MS = 30_000;

export interface RunningApp {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs a command of an app folder (npm run …, node tools/…) and returns its output. */
export async function runInApp(
  dir: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: dir,
      timeout: timeoutMs,
      env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false', ...env },
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed (${String(failed.code)}):\n${failed.stdout}\n${failed.stderr}`,
    );
  }
}

/**
 * Starts a built full-stack app (`node dist-server/main.js`, what `npm start` runs) on a port the
 * system picks, and resolves once it says where it listens.
 */
export function startBuiltApp(dir: string, env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, ['dist-server/main.js'], {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the app did not start in ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app ended (${code}) before it listened:\n${output}`));
    });
  });
}
