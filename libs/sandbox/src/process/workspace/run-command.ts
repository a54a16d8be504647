import { spawnWrapped, type WrappedCommand } from '../process-isolation';
import { killProcessGroup, trackProcessGroup, untrackProcessGroup } from './process-groups';
import { stopTrigger } from '../../core/stop-trigger';

/** How long a stopped command gets between SIGTERM and SIGKILL, in ms. */
export const COMMAND_STOP_GRACE_MS = 500;
/** Output kept in memory per command (the tail), in bytes. */
export const COMMAND_OUTPUT_MAX_BYTES = 256 * 1024;

export interface RunCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Stops the command after this long; 0 means no limit. */
  timeoutMs?: number;
  onOutput?: (chunk: Buffer) => void;
  /** Turns the command line into the one to spawn (the process sandbox's isolation). */
  wrap?: (command: string, args: readonly string[]) => WrappedCommand;
}

export interface RunCommandResult {
  exitCode: number | null;
  aborted: boolean;
  timedOut: boolean;
  /** stdout and stderr interleaved, the last COMMAND_OUTPUT_MAX_BYTES of them. */
  output: string;
}

/**
 * Runs a program with an argument vector (never a shell) in its own process group, so that
 * aborting, the timeout or the parent's exit stops it and everything it started.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<RunCommandResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, aborted: true, timedOut: false, output: '' });
      return;
    }
    const spawned = options.wrap?.(command, args) ?? { command, args: [...args] };
    const child = spawnWrapped(spawned, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) {
      trackProcessGroup(pid);
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    const collect = (chunk: Buffer) => {
      options.onOutput?.(chunk);
      chunks.push(chunk);
      kept += chunk.length;
      while (kept > COMMAND_OUTPUT_MAX_BYTES && chunks.length > 1) {
        kept -= chunks.shift()!.length;
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);

    const trigger = stopTrigger(options, () => {
      if (pid === undefined) {
        return;
      }
      killProcessGroup(pid, 'SIGTERM');
      setTimeout(() => killProcessGroup(pid, 'SIGKILL'), COMMAND_STOP_GRACE_MS).unref();
    });

    const finish = () => {
      trigger.dispose();
      if (pid !== undefined) {
        // Whatever the command left behind in its group goes with it.
        killProcessGroup(pid, 'SIGKILL');
        untrackProcessGroup(pid);
      }
    };
    child.on('error', (error) => {
      finish();
      reject(error);
    });
    child.on('close', (exitCode) => {
      finish();
      const output = Buffer.concat(chunks).toString('utf8');
      resolve({ exitCode, aborted: trigger.aborted, timedOut: trigger.timedOut, output });
    });
  });
}
