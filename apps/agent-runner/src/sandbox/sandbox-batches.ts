import { base64ByteLength, checkProjectPath } from '@forge/protocol';
import { type Sandbox, type SandboxFile, WORKSPACE_LIMITS } from '@forge/sandbox';

/** Files a sandbox cannot take at all, whatever the batch: too large, or a path it refuses. */
export interface UnwritableFile {
  path: string;
  reason: string;
}

/**
 * Cuts `files` into calls the sandbox takes (WORKSPACE_LIMITS: files and bytes per call), and
 * sets aside the files no call could take. What is stored must always open: a project of 901
 * files, or one holding a file saved before today's limits, is written in several calls and the
 * file that cannot go in is named, instead of the whole sandbox refusing to open.
 */
export function sandboxBatches(files: readonly SandboxFile[]): {
  batches: SandboxFile[][];
  unwritable: UnwritableFile[];
} {
  const batches: SandboxFile[][] = [];
  const unwritable: UnwritableFile[] = [];
  let batch: SandboxFile[] = [];
  let bytes = 0;
  for (const file of files) {
    const problem = checkProjectPath(file.path);
    if (problem) {
      unwritable.push({ path: file.path, reason: problem.message });
      continue;
    }
    const size =
      file.encoding === 'base64'
        ? base64ByteLength(file.content)
        : Buffer.byteLength(file.content, 'utf8');
    if (size > WORKSPACE_LIMITS.maxFileBytes) {
      unwritable.push({
        path: file.path,
        reason: `it is ${size} bytes; the sandbox takes files up to ${WORKSPACE_LIMITS.maxFileBytes} (maxFileBytes)`,
      });
      continue;
    }
    const full =
      batch.length >= WORKSPACE_LIMITS.maxFilesPerCall ||
      bytes + size > WORKSPACE_LIMITS.maxBytesPerCall;
    if (full && batch.length > 0) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(file);
    bytes += size;
  }
  if (batch.length > 0) {
    batches.push(batch);
  }
  return { batches, unwritable };
}

/** Writes `files` in as many calls as the sandbox's limits need; answers the files left out. */
export async function writeSandboxFiles(
  sandbox: Sandbox,
  files: readonly SandboxFile[],
): Promise<UnwritableFile[]> {
  const { batches, unwritable } = sandboxBatches(files);
  for (const batch of batches) {
    await sandbox.writeFiles(batch);
  }
  return unwritable;
}

/** Deletes `paths` in calls of at most WORKSPACE_LIMITS.maxFilesPerCall paths. */
export async function deleteSandboxFiles(
  sandbox: Sandbox,
  paths: readonly string[],
): Promise<void> {
  for (let i = 0; i < paths.length; i += WORKSPACE_LIMITS.maxFilesPerCall) {
    await sandbox.deleteFiles(paths.slice(i, i + WORKSPACE_LIMITS.maxFilesPerCall));
  }
}
