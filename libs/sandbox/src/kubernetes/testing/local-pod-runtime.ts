import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_DIR, WORKSPACE_DIR } from '../../container/sandbox-commands';
import type { FakeExecCall, FakeExecHandler, FakeExecIo } from './fake-kubernetes-api';

const VITE = 'node_modules/vite/bin/vite.js';

/**
 * Plays the kubelet for FakeKubernetesApi: runs each exec as a local process, with a folder per
 * pod standing in for its /workspace volume and /tmp/forge. The shell scripts, tar, realpath
 * and kill are the real ones; what needs the image is replaced: `bun` by `echo`, and the Vite
 * dev server by `sleep` (the test decides when the pod is Ready).
 */
export class LocalPodRuntime {
  constructor(private readonly root: string) {}

  workspace(pod: string): string {
    return join(this.root, pod, 'workspace');
  }

  readonly handler: FakeExecHandler = (call: FakeExecCall, io: FakeExecIo) => {
    const workspace = this.workspace(call.pod);
    const run = join(this.root, call.pod, 'run');
    mkdirSync(workspace, { recursive: true });
    const argv = call.command.map((arg) => {
      if (arg === WORKSPACE_DIR || arg.startsWith(`${WORKSPACE_DIR}/`)) {
        return workspace + arg.slice(WORKSPACE_DIR.length);
      }
      if (arg.startsWith(`${RUN_DIR}/`)) {
        return run + arg.slice(RUN_DIR.length);
      }
      return arg === 'bun' ? 'echo' : arg;
    });
    const vite = argv.indexOf(VITE);
    if (vite > 0) {
      argv.splice(vite - 1, argv.length, 'sleep', '600');
    }

    return new Promise<number>((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: 'pipe' });
      child.stdout.on('data', (data: Buffer) => io.stdout(data));
      child.stderr.on('data', (data: Buffer) => io.stderr(data));
      child.stdin.on('error', () => undefined);
      child.stdin.end(call.stdin);
      const kill = () => child.kill('SIGKILL');
      io.signal.addEventListener('abort', kill, { once: true });
      child.on('error', (error) => {
        io.stderr(String(error));
        resolve(127);
      });
      child.on('close', (code, signal) => {
        io.signal.removeEventListener('abort', kill);
        resolve(code ?? (signal ? 128 + 9 : 1));
      });
    });
  };
}
