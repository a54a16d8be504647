import { checkProjectPath } from '@forge/protocol';
import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { SandboxError } from '../../core/sandbox-error';

function isInside(realRoot: string, realPath: string): boolean {
  return realPath === realRoot || realPath.startsWith(realRoot + sep);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The absolute path of a project file inside a workspace, after checkProjectPath and a walk
 * over every part of the path that exists: a symbolic link among them must lead to a place
 * inside the workspace, else the path is refused (PATH_ESCAPES_WORKSPACE). `realRoot` is the
 * workspace's real path (fs.realpath).
 *
 * A link created between this check and the use of the path is not caught; the process
 * provider is for one trusted user, and the docker and kubernetes ones confine the writer.
 */
export async function resolveWorkspacePath(realRoot: string, path: string): Promise<string> {
  const problem = checkProjectPath(path);
  if (problem) {
    throw new SandboxError('INVALID_PATH', `refused path "${path}": ${problem.message}`);
  }
  const segments = path.split('/');
  let current = realRoot;
  for (const segment of segments) {
    current = join(current, segment);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        break;
      }
      throw error;
    }
    if (!isLink) {
      continue;
    }
    let target: string;
    try {
      target = await realpath(current);
    } catch {
      throw escapes(path, 'a symbolic link on it leads nowhere');
    }
    if (!isInside(realRoot, target)) {
      throw escapes(path, 'a symbolic link on it leads outside');
    }
  }
  return join(realRoot, ...segments);
}

function escapes(path: string, why: string): SandboxError {
  return new SandboxError(
    'PATH_ESCAPES_WORKSPACE',
    `refused path "${path}": ${why} the project's workspace`,
  );
}
