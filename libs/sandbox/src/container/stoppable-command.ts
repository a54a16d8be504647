import { randomUUID } from 'node:crypto';
import type { ContainerBackend, ExecResult } from './container-backend';
import { killCommand, RUN_DIR, withPidFile } from './sandbox-commands';
import { stopTrigger } from '../core/stop-trigger';
import { SandboxError } from '../core/sandbox-error';

export interface StoppableOptions {
  /** Names the pid file (`<RUN_DIR>/<name>-<random>.pid`) unless pidFile is given. */
  name: string;
  pidFile?: string;
  signal?: AbortSignal;
  /** Stops the command after this long; 0 or undefined: no limit. */
  timeoutMs?: number;
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  maxOutputBytes?: number;
}

export interface StoppableResult extends ExecResult {
  aborted: boolean;
  timedOut: boolean;
}

/** How long a stopped command gets between SIGTERM and SIGKILL, in ms. */
export const STOP_GRACE_MS = 500;

/**
 * Runs a command in the sandbox that can be stopped: aborting the signal or reaching the timeout
 * sends it SIGTERM, then SIGKILL after STOP_GRACE_MS, through a second exec that reads its pid
 * file. The result says which of the two ended it.
 */
export async function runStoppable(
  backend: ContainerBackend,
  argv: string[],
  options: StoppableOptions,
): Promise<StoppableResult> {
  if (options.signal?.aborted) {
    throw new SandboxError('ABORTED', `${options.name} was cancelled before it started`);
  }
  const pidFile = options.pidFile ?? `${RUN_DIR}/${options.name}-${randomUUID().slice(0, 8)}.pid`;
  const running = backend.exec({
    argv: withPidFile(pidFile, argv),
    onOutput: options.onOutput,
    maxOutputBytes: options.maxOutputBytes,
  });
  let stopping: Promise<unknown> | undefined;
  const trigger = stopTrigger(options, () => {
    stopping ??= backend.exec({ argv: killCommand(pidFile, STOP_GRACE_MS) }).catch(() => undefined);
  });
  try {
    const result = await running;
    return { ...result, aborted: trigger.aborted, timedOut: trigger.timedOut };
  } finally {
    trigger.dispose();
    await stopping;
  }
}
