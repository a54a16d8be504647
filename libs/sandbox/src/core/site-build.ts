import { constants } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SandboxError } from './sandbox-error';

/**
 * Where a site build happens inside a workspace: under node_modules, which neither the dev
 * server's watcher, the app's checks nor downloads look at, and from where the app's
 * dependencies resolve as they do for the app itself.
 */
export const SITE_BUILD_DIR = 'node_modules/.forge-publish';
/** The build's output folder, inside the build's own folder. */
export const SITE_OUT_DIR = 'dist';
/**
 * `vite build` of the app in `root` (relative to the workspace, where the command runs) for a
 * site served at a host's root, quiet but for errors; its output goes to `<root>/dist`.
 */
export function siteBuildArgv(root: string): string[] {
  return ['vite', 'build', root, '--outDir', SITE_OUT_DIR, '--emptyOutDir', '--base', '/'].concat([
    '--logLevel',
    'error',
  ]);
}

export interface SiteFile {
  /** Relative to the site's root, with forward slashes (`index.html`, `assets/index-x.js`). */
  path: string;
  content: Buffer;
}

export interface SiteBuildLimits {
  /** Most bytes the built site may hold (PUBLISH_MAX_BYTES). */
  maxBytes: number;
  /** Most files the built site may hold (PUBLISH_MAX_FILES). */
  maxFiles: number;
}

export interface SiteBuildOptions extends SiteBuildLimits {
  signal?: AbortSignal;
  /** Stops the build after this long (ms). */
  timeoutMs: number;
}

export type SiteBuildResult =
  | { ok: true; files: SiteFile[] }
  /** The app's build failed: its output's tail, as a user can read it. */
  | { ok: false; output: string };

/**
 * Reads a built site from `root`, every file opened without following links (a build is the
 * app's own code: a link it leaves must not lead Forge outside), within the limits; a folder
 * or file that is a link, or anything past a limit, fails the whole read.
 */
export async function readSiteFiles(root: string, limits: SiteBuildLimits): Promise<SiteFile[]> {
  const realRoot = await realpath(root);
  const files: SiteFile[] = [];
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(realRoot, path).split(sep).join('/');
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        throw new SandboxError('PATH_ESCAPES_WORKSPACE', `the build left a link at ${name}`);
      }
      if (info.isDirectory()) {
        await walk(path);
        continue;
      }
      if (!info.isFile()) {
        continue;
      }
      if (files.length + 1 > limits.maxFiles) {
        throw new SandboxError(
          'TOO_MANY_FILES',
          `the built app has more than ${limits.maxFiles} files (PUBLISH_MAX_FILES)`,
        );
      }
      const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const stat = await handle.stat();
        if (!stat.isFile()) {
          continue;
        }
        bytes += stat.size;
        if (bytes > limits.maxBytes) {
          throw new SandboxError(
            'FILE_TOO_LARGE',
            `the built app holds more than ${limits.maxBytes} bytes (PUBLISH_MAX_BYTES)`,
          );
        }
        files.push({ path: name, content: await handle.readFile() });
      } finally {
        await handle.close();
      }
    }
  };
  await walk(realRoot);
  if (!files.some((file) => file.path === 'index.html')) {
    throw new SandboxError('COMMAND_FAILED', 'the build wrote no index.html');
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
