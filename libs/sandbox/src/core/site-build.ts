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

/**
 * An app's server part (issue 19's server routes): `server/main.ts`, the `npm start` entry that
 * serves /api. A version that holds files under `server/` has one of its own; the template's
 * alone (a /api/health route) is not built for publishing.
 */
export const SERVER_ENTRY = 'server/main.ts';
/** The build's config for the server part, written beside the app's files by Forge. */
export const SERVER_BUILD_CONFIG = 'forge-server-build.config.mjs';
/** The server part's build output: one ES module, relative to the build's folder. */
export const SERVER_BUNDLE_PATH = 'dist-server/main.mjs';

/** Whether a version's own files (the template's not counted) give the app a server part. */
export function hasServerPart(versionPaths: readonly string[]): boolean {
  return versionPaths.some((path) => path.startsWith('server/'));
}

/**
 * The server part's build config: `server/main.ts` and everything it imports, its packages
 * included (ssr.noExternal), as one ES module for Node, so that it runs from that one file with
 * no node_modules beside it (a published app's server is a single file Forge keeps).
 */
export function serverBuildConfigFile(): string {
  const config = {
    configFile: false,
    logLevel: 'error',
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: SERVER_ENTRY,
      outDir: SERVER_BUNDLE_PATH.split('/')[0],
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rolldownOptions: {
        output: { codeSplitting: false, entryFileNames: SERVER_BUNDLE_PATH.split('/')[1] },
      },
    },
  };
  return `// Written by Forge for publishing: the app's server part as one file.\nexport default ${JSON.stringify(config, null, 2)};\n`;
}

/** `vite build` of the server part of the app in `root` (relative to the workspace). */
export function serverBuildArgv(root: string): string[] {
  return ['vite', 'build', root, '--config', `${root}/${SERVER_BUILD_CONFIG}`];
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
  /** Most bytes the server part's bundle may hold (PUBLISH_SERVER_MAX_BYTES). */
  maxServerBytes: number;
  signal?: AbortSignal;
  /** Stops the build after this long (ms). */
  timeoutMs: number;
}

export type SiteBuildResult =
  /** `server`: the app's server part as one ES module, null when the app has none. */
  | { ok: true; files: SiteFile[]; server: Buffer | null }
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

/** A server bundle over PUBLISH_SERVER_MAX_BYTES. */
export function serverTooLarge(maxBytes: number): SandboxError {
  return new SandboxError(
    'FILE_TOO_LARGE',
    `the app's server part is larger than ${maxBytes} bytes (PUBLISH_SERVER_MAX_BYTES)`,
  );
}

/** Reads the server part's bundle from a build's folder, without following a link. */
export async function readServerBundle(buildDir: string, maxBytes: number): Promise<Buffer> {
  const path = join(buildDir, SERVER_BUNDLE_PATH);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    throw new SandboxError(
      'COMMAND_FAILED',
      `the server build wrote no ${SERVER_BUNDLE_PATH} (${(error as Error).message})`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new SandboxError('COMMAND_FAILED', `${SERVER_BUNDLE_PATH} is not a file`);
    }
    if (stat.size > maxBytes) {
      throw serverTooLarge(maxBytes);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
