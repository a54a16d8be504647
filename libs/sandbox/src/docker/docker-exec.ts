import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { OutputCollector, type ExecRequest, type ExecResult } from '../container/container-backend';

/** How long to wait for Docker to record an exec's exit code after its stream closed. */
const EXIT_CODE_WAIT_MS = 1000;

/** Runs one command in a container through the exec API and waits for its exit code. */
export async function dockerExec(
  docker: Dockerode,
  container: Dockerode.Container,
  request: ExecRequest,
): Promise<ExecResult> {
  const exec = await container.exec({
    Cmd: request.argv,
    AttachStdin: request.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: request.stdin !== undefined });
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
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  docker.modem.demuxStream(stream, sink('stdout'), sink('stderr'));
  if (request.stdin !== undefined) {
    stream.end(request.stdin);
  }
  await ended;

  let info = await exec.inspect();
  for (let waited = 0; info.Running && waited < EXIT_CODE_WAIT_MS; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    info = await exec.inspect();
  }
  return collector.result(info.Running ? null : (info.ExitCode ?? null));
}
