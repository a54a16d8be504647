import { Readable, Writable } from 'node:stream';
import type { Exec, V1Status } from '@kubernetes/client-node';
import { OutputCollector, type ExecRequest, type ExecResult } from '../container/container-backend';
import { SandboxError } from '../core/sandbox-error';
import { SANDBOX_CONTAINER } from './kubernetes-manifests';

/**
 * Runs one command in the sandbox container over the exec websocket (channel protocol v5, or
 * v4: stdin on channel 0, output on 1 and 2, the exit status as a Status on 3).
 */
export async function kubernetesExec(
  exec: Exec,
  namespace: string,
  pod: string,
  request: ExecRequest,
): Promise<ExecResult> {
  const collector = new OutputCollector(request.maxOutputBytes);
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (request.onOutput) {
          request.onOutput(name, chunk);
        } else {
          collector.add(name, chunk);
        }
        done();
      },
    });
  let status: V1Status | undefined;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const stdin = request.stdin === undefined ? null : Readable.from([request.stdin]);
  const socket = await exec.exec(
    namespace,
    pod,
    SANDBOX_CONTAINER,
    request.argv,
    sink('stdout'),
    sink('stderr'),
    stdin,
    false,
    (received) => {
      status = received;
      finished();
    },
  );
  socket.on('close', () => finished());
  await done;
  return collector.result(exitCode(status));
}

/** 0 for Success, the code of a NonZeroExitCode failure, null when the connection broke. */
function exitCode(status: V1Status | undefined): number | null {
  if (!status) {
    return null;
  }
  if (status.status === 'Success') {
    return 0;
  }
  const cause = status.details?.causes?.find((item) => item.reason === 'ExitCode');
  const code = Number(cause?.message);
  if (cause && Number.isInteger(code)) {
    return code;
  }
  throw new SandboxError(
    'COMMAND_FAILED',
    `the exec failed: ${status.message ?? status.reason ?? 'no reason given'}`,
  );
}
