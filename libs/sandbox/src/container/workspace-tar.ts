import { pack, type Pack } from 'tar-stream';
import { type SandboxFile, sandboxFileBytes } from '../core/sandbox';
import { SandboxError } from '../core/sandbox-error';
import { checkPaths, WORKSPACE_LIMITS } from '../core/workspace-limits';

/** uid and gid of the image's `sandbox` user, who owns every written file. */
export const SANDBOX_UID = 1000;

/**
 * A tar of the files, to be unpacked at the workspace root. Every parent folder gets its own
 * entry before its files: when a folder of that name is a symbolic link in the workspace, the
 * unpacker (Docker's or GNU tar) then replaces or refuses it instead of writing through it.
 */
export async function workspaceTar(files: readonly SandboxFile[]): Promise<Buffer> {
  checkPaths(files.map((file) => file.path));
  const contents = files.map(sandboxFileBytes);
  let total = 0;
  contents.forEach((content, index) => {
    total += content.length;
    if (content.length > WORKSPACE_LIMITS.maxFileBytes) {
      throw new SandboxError(
        'FILE_TOO_LARGE',
        `${files[index]!.path} is ${content.length} bytes; the limit (maxFileBytes) is ${WORKSPACE_LIMITS.maxFileBytes}`,
      );
    }
  });
  if (total > WORKSPACE_LIMITS.maxBytesPerCall) {
    throw new SandboxError(
      'FILE_TOO_LARGE',
      `the files add up to ${total} bytes; the limit (maxBytesPerCall) is ${WORKSPACE_LIMITS.maxBytesPerCall}`,
    );
  }

  const owner = { uid: SANDBOX_UID, gid: SANDBOX_UID, mtime: new Date() };
  const folders = new Set<string>();
  return packTar((tar) => {
    files.forEach((file, index) => {
      const segments = file.path.split('/');
      for (let depth = 1; depth < segments.length; depth++) {
        const folder = segments.slice(0, depth).join('/');
        if (folders.has(folder)) {
          continue;
        }
        folders.add(folder);
        tar.entry({ name: `${folder}/`, type: 'directory', mode: 0o755, ...owner });
      }
      tar.entry({ name: file.path, type: 'file', mode: 0o644, ...owner }, contents[index]);
    });
    const clash = files.find((file) => folders.has(file.path));
    if (clash) {
      throw new SandboxError(
        'INVALID_PATH',
        `refused path "${clash.path}": the same call writes it as a file and as a folder`,
      );
    }
  });
}

/** A tar of the entries `write` adds, as one buffer; `write` throwing discards it. */
export async function packTar(write: (tar: Pack) => void): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk) => chunks.push(chunk as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  try {
    write(tar);
  } catch (error) {
    tar.destroy();
    throw error;
  }
  tar.finalize();
  await finished;
  return Buffer.concat(chunks);
}
