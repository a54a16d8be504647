import { randomBytes } from 'node:crypto';
import {
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxError } from '../core/sandbox-error';
import { isAlive } from './workspace/prepare-template';

/** Project ids the process provider accepts: they name a link in the workspaces folder. */
export const PROCESS_PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Records which process made a workspace not yet given to a project (a pooled one). */
const OWNER_FILE = join('node_modules', '.forge', 'owner');
/** An unclaimed workspace with no owner record older than this is left over from a crash. */
const ORPHAN_MIN_AGE_MS = 10 * 60_000;

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The process provider's folder: `workspaces/<random id>/` holds the workspaces and
 * `projects/<projectId>` is a symbolic link to the project's one. The link is made last and
 * atomically, so a pooled workspace is given to a project by making a link (a workspace with a
 * running Vite cannot be renamed), and two processes that race for one project agree on the
 * first link made.
 */
export class WorkspaceFolders {
  readonly workspacesDir: string;
  readonly projectsDir: string;

  constructor(root: string) {
    this.workspacesDir = join(root, 'workspaces');
    this.projectsDir = join(root, 'projects');
  }

  checkProjectId(projectId: string): void {
    if (!PROCESS_PROJECT_ID.test(projectId)) {
      throw new SandboxError(
        'INVALID_PROJECT_ID',
        `project id "${projectId}" must be 1-64 letters, digits, "_" or "-", starting with a letter or digit`,
      );
    }
  }

  linkPath(projectId: string): string {
    return join(this.projectsDir, projectId);
  }

  /** The real path of the project's workspace, or null when the project has none. */
  async find(projectId: string): Promise<string | null> {
    try {
      return await realpath(this.linkPath(projectId));
    } catch (error) {
      if (code(error) === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }

  /** Projects that have a workspace (a link in the projects folder). */
  async projectIds(): Promise<string[]> {
    try {
      return (await readdir(this.projectsDir)).filter((name) => PROCESS_PROJECT_ID.test(name));
    } catch (error) {
      if (code(error) === 'ENOENT') {
        return [];
      }
      throw error;
    }
  }

  /** A new, empty, unclaimed workspace path (not created). */
  async newWorkspacePath(): Promise<string> {
    await mkdir(this.workspacesDir, { recursive: true });
    return join(this.workspacesDir, randomBytes(8).toString('hex'));
  }

  async markOwned(workspaceDir: string): Promise<void> {
    await mkdir(join(workspaceDir, OWNER_FILE, '..'), { recursive: true });
    await writeFile(join(workspaceDir, OWNER_FILE), String(process.pid));
  }

  /** Gives a workspace to a project; false when the project got another one first. */
  async claim(projectId: string, workspaceDir: string): Promise<boolean> {
    await mkdir(this.projectsDir, { recursive: true });
    try {
      await symlink(workspaceDir, this.linkPath(projectId));
    } catch (error) {
      if (code(error) === 'EEXIST') {
        return false;
      }
      throw error;
    }
    await rm(join(workspaceDir, OWNER_FILE), { force: true });
    return true;
  }

  async unlinkProject(projectId: string): Promise<void> {
    await unlink(this.linkPath(projectId)).catch((error: unknown) => {
      if (code(error) !== 'ENOENT') {
        throw error;
      }
    });
  }

  /**
   * Removes workspaces no project links to whose maker is gone (pooled workspaces of a process
   * that died, half-made ones), and links whose workspace is gone.
   */
  async sweep(): Promise<void> {
    const linked = new Set<string>();
    for (const name of await readdir(this.projectsDir).catch(() => [])) {
      const link = join(this.projectsDir, name);
      const target = await realpath(link).catch(() => null);
      if (target) {
        linked.add(target);
      } else if (await readlink(link).catch(() => null)) {
        await unlink(link).catch(() => undefined);
      }
    }
    for (const name of await readdir(this.workspacesDir).catch(() => [])) {
      const dir = await realpath(join(this.workspacesDir, name)).catch(() => null);
      if (!dir || linked.has(dir)) {
        continue;
      }
      const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => NaN));
      if (Number.isInteger(owner) && owner > 0) {
        if (isAlive(owner)) {
          continue;
        }
      } else {
        const age = Date.now() - (await stat(dir)).mtimeMs;
        if (age < ORPHAN_MIN_AGE_MS) {
          continue;
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * Kills the dev servers another process started in a workspace being destroyed: processes
 * working in `dir` that run its node_modules/vite, with their process groups. Linux only (reads
 * /proc); elsewhere a no-op.
 */
export async function killDevServersIn(dir: string): Promise<void> {
  const vite = join(dir, 'node_modules', 'vite');
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const cwd = await readlink(join('/proc', entry, 'cwd')).catch(() => null);
    if (cwd !== dir) {
      continue;
    }
    const cmdline = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    if (!cmdline.includes(vite)) {
      continue;
    }
    try {
      process.kill(-Number(entry), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
