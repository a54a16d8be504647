import { checkProjectPath } from '@forge/protocol';
import { SandboxError } from './sandbox-error';

/** Limits on what one call may write to or read from a sandbox. */
export const WORKSPACE_LIMITS = {
  /** Largest single file written or read, in bytes. */
  maxFileBytes: 2 * 1024 * 1024,
  /** Most files in one writeFiles or deleteFiles call. */
  maxFilesPerCall: 500,
  /** Largest total of one writeFiles call, in bytes. */
  maxBytesPerCall: 20 * 1024 * 1024,
} as const;

/** Checks every path again, whatever checked it before; throws INVALID_PATH on the first bad one. */
export function checkPaths(paths: readonly string[]): void {
  if (paths.length > WORKSPACE_LIMITS.maxFilesPerCall) {
    throw new SandboxError(
      'TOO_MANY_FILES',
      `${paths.length} files in one call; the limit (maxFilesPerCall) is ${WORKSPACE_LIMITS.maxFilesPerCall}`,
    );
  }
  for (const path of paths) {
    const problem = checkProjectPath(path);
    if (problem) {
      throw new SandboxError('INVALID_PATH', `refused path "${path}": ${problem.message}`);
    }
  }
}
