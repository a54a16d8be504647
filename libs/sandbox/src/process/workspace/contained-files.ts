import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { checkProjectPath } from '@forge/protocol';
import type { SandboxFile } from '../../core/sandbox';
import { SandboxError } from '../../core/sandbox-error';
import { WORKSPACE_LIMITS } from '../../core/workspace-limits';
import { byteLimitError, checkFileWrites, WORKSPACE_TEMP_DIR } from './workspace-files';

/** The uid and gid new files and folders are given (the sandbox's), or none to keep Forge's. */
export interface FileOwner {
  uid: number;
  gid: number;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * File operations on a workspace whose sandbox runs code that may race them: a folder it swaps
 * for a symbolic link must never lead Forge (root, perhaps) outside. Every folder on a path is
 * opened with O_NOFOLLOW and the next name is looked up through that open folder
 * (/proc/self/fd/N/name, Linux's openat by path), so no link is ever followed, whatever changes
 * between two steps.
 */
export async function writeContainedFiles(
  realRoot: string,
  files: SandboxFile[],
  owner?: FileOwner,
): Promise<void> {
  const contents = checkFileWrites(files);
  const root = await open(realRoot, DIR_FLAGS);
  try {
    const temp = (await openDirs(root, WORKSPACE_TEMP_DIR.split('/'), WORKSPACE_TEMP_DIR, owner))!;
    try {
      for (const [index, file] of files.entries()) {
        await writeOne(root, temp, file.path, contents[index]!, owner);
      }
    } finally {
      await temp.close();
    }
  } finally {
    await root.close();
  }
}

/** A workspace file's content, or null when it (or a folder on its path) does not exist. */
export async function readContainedFile(realRoot: string, path: string): Promise<string | null> {
  const segments = checkedSegments(path);
  const root = await open(realRoot, DIR_FLAGS);
  let parent: FileHandle | null = null;
  try {
    parent = await openDirs(root, segments.slice(0, -1), path, undefined, true);
    if (!parent) {
      return null;
    }
    let file: FileHandle;
    try {
      file = await open(at(parent, segments.at(-1)!), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (errno(error) === 'ENOENT') {
        return null;
      }
      throw translate(error, path);
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) {
        throw new SandboxError('NOT_A_FILE', `${path} is not a file`);
      }
      if (info.size > WORKSPACE_LIMITS.maxFileBytes) {
        throw byteLimitError(path, info.size, 'maxFileBytes', WORKSPACE_LIMITS.maxFileBytes);
      }
      return await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } finally {
    if (parent && parent !== root) {
      await parent.close();
    }
    await root.close();
  }
}

async function writeOne(
  root: FileHandle,
  temp: FileHandle,
  path: string,
  content: Buffer,
  owner?: FileOwner,
): Promise<void> {
  const segments = checkedSegments(path);
  const parent = (await openDirs(root, segments.slice(0, -1), path, owner))!;
  const tempName = `${randomBytes(8).toString('hex')}.tmp`;
  try {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const file = await open(at(temp, tempName), flags, 0o644);
    try {
      await file.writeFile(content);
      if (owner) {
        await file.chown(owner.uid, owner.gid);
      }
    } finally {
      await file.close();
    }
    // rename replaces a link in the last place rather than following it.
    await rename(at(temp, tempName), at(parent, segments.at(-1)!));
  } catch (error) {
    await unlink(at(temp, tempName)).catch(() => undefined);
    if (errno(error) === 'EISDIR') {
      throw new SandboxError('NOT_A_FILE', `cannot write ${path}: it is a folder`);
    }
    throw error;
  } finally {
    if (parent !== root) {
      await parent.close();
    }
  }
}

/**
 * Opens the folders `segments` below `root` one by one without following links, making the
 * missing ones (given to `owner`) unless `lookOnly`; null when one is missing and `lookOnly`.
 */
async function openDirs(
  root: FileHandle,
  segments: string[],
  path: string,
  owner: FileOwner | undefined,
  lookOnly = false,
): Promise<FileHandle | null> {
  let current = root;
  try {
    for (const segment of segments) {
      const next = at(current, segment);
      let made = false;
      if (!lookOnly) {
        made = await mkdir(next, 0o755).then(
          () => true,
          (error: unknown) => {
            if (errno(error) === 'EEXIST') {
              return false;
            }
            throw translate(error, path);
          },
        );
      }
      let handle: FileHandle;
      try {
        handle = await open(next, DIR_FLAGS);
      } catch (error) {
        if (lookOnly && errno(error) === 'ENOENT') {
          if (current !== root) {
            await current.close();
          }
          return null;
        }
        // O_DIRECTORY with O_NOFOLLOW on a link fails ENOTDIR, as on a file.
        const isLink = await lstat(next).then(
          (info) => info.isSymbolicLink(),
          () => false,
        );
        throw translate(isLink ? Object.assign(new Error('link'), { code: 'ELOOP' }) : error, path);
      }
      if (made && owner) {
        await handle.chown(owner.uid, owner.gid);
      }
      if (current !== root) {
        await current.close();
      }
      current = handle;
    }
    return current;
  } catch (error) {
    if (current !== root) {
      await current.close();
    }
    throw error;
  }
}

function checkedSegments(path: string): string[] {
  const problem = checkProjectPath(path);
  if (problem) {
    throw new SandboxError('INVALID_PATH', `refused path "${path}": ${problem.message}`);
  }
  return path.split('/');
}

function at(dir: FileHandle, name: string): string {
  return `/proc/self/fd/${dir.fd}/${name}`;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function translate(error: unknown, path: string): unknown {
  switch (errno(error)) {
    case 'ELOOP':
      return new SandboxError(
        'PATH_ESCAPES_WORKSPACE',
        `refused path "${path}": a symbolic link on it could lead outside the project's workspace`,
      );
    case 'ENOTDIR':
      return new SandboxError('NOT_A_FILE', `cannot use ${path}: a parent is a file`);
    default:
      return error;
  }
}
