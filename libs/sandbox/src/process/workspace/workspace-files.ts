import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type SandboxFile, sandboxFileBytes } from '../../core/sandbox';
import { SandboxError } from '../../core/sandbox-error';
import { checkPaths, WORKSPACE_LIMITS } from '../../core/workspace-limits';
import { resolveWorkspacePath } from './workspace-paths';

/**
 * Where files are written before being renamed into place: inside the workspace (so the rename
 * stays on one file system) but under node_modules, which Vite's watcher ignores, so a half
 * written file never triggers a reload.
 */
export const WORKSPACE_TEMP_DIR = join('node_modules', '.forge', 'tmp');

export function byteLimitError(
  what: string,
  bytes: number,
  limit: string,
  value: number,
): SandboxError {
  return new SandboxError(
    'FILE_TOO_LARGE',
    `${what} is ${bytes} bytes; the limit (${limit}) is ${value}`,
  );
}

/** Checks the paths and sizes of a write (nothing is written when one fails); the contents. */
export function checkFileWrites(files: SandboxFile[]): Buffer[] {
  checkPaths(files.map((file) => file.path));
  const contents = files.map(sandboxFileBytes);
  let total = 0;
  contents.forEach((content, index) => {
    total += content.length;
    if (content.length > WORKSPACE_LIMITS.maxFileBytes) {
      const path = files[index]!.path;
      throw byteLimitError(path, content.length, 'maxFileBytes', WORKSPACE_LIMITS.maxFileBytes);
    }
  });
  if (total > WORKSPACE_LIMITS.maxBytesPerCall) {
    throw byteLimitError('the call', total, 'maxBytesPerCall', WORKSPACE_LIMITS.maxBytesPerCall);
  }
  return contents;
}

/**
 * Writes files into a workspace, each one atomically (temporary file, then rename), after
 * checking every path and size first so that a refused call writes nothing.
 */
export async function writeWorkspaceFiles(realRoot: string, files: SandboxFile[]): Promise<void> {
  const contents = checkFileWrites(files);
  const targets: string[] = [];
  for (const file of files) {
    targets.push(await resolveWorkspacePath(realRoot, file.path));
  }

  const tempDir = join(realRoot, WORKSPACE_TEMP_DIR);
  await mkdir(tempDir, { recursive: true });
  for (const [index, target] of targets.entries()) {
    await mkdir(dirname(target), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTDIR' && error.code !== 'EEXIST') {
        throw error;
      }
      throw new SandboxError(
        'NOT_A_FILE',
        `cannot write ${files[index]!.path}: a parent is a file`,
      );
    });
    const temp = join(tempDir, `${randomBytes(8).toString('hex')}.tmp`);
    try {
      await writeFile(temp, contents[index]!, { mode: 0o644 });
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new SandboxError('NOT_A_FILE', `cannot write ${files[index]!.path}: it is a folder`);
      }
      throw error;
    }
  }
}

/** Deletes files or folders of a workspace; a path that does not exist is not an error. */
export async function deleteWorkspaceFiles(realRoot: string, paths: string[]): Promise<void> {
  checkPaths(paths);
  const targets: string[] = [];
  for (const path of paths) {
    targets.push(await resolveWorkspacePath(realRoot, path));
  }
  // rm removes a symbolic link itself, never what it points at.
  for (const target of targets) {
    await rm(target, { recursive: true, force: true });
  }
}

/** A workspace file's content, or null when it does not exist. */
export async function readWorkspaceFile(realRoot: string, path: string): Promise<string | null> {
  const target = await resolveWorkspacePath(realRoot, path);
  let size: number;
  try {
    const info = await stat(target);
    if (!info.isFile()) {
      throw new SandboxError('NOT_A_FILE', `${path} is not a file`);
    }
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return null;
    }
    throw error;
  }
  if (size > WORKSPACE_LIMITS.maxFileBytes) {
    throw byteLimitError(path, size, 'maxFileBytes', WORKSPACE_LIMITS.maxFileBytes);
  }
  return readFile(target, 'utf8');
}
