import { randomBytes } from 'node:crypto';
import { extract } from 'tar-stream';
import {
  type SandboxFile,
  sandboxFileBytes,
  type SiteBuildOptions,
  type SiteBuildResult,
  type SiteFile,
} from '../core/sandbox';
import { finishToolRun, OutputTail } from '../core/project-tools';
import {
  hasServerPart,
  SERVER_BUILD_CONFIG,
  SERVER_BUNDLE_PATH,
  serverBuildArgv,
  serverBuildConfigFile,
  serverTooLarge,
  SITE_BUILD_DIR,
  SITE_OUT_DIR,
  siteBuildArgv,
} from '../core/site-build';
import { listTemplateFiles } from '../core/template';
import type { ContainerBackend } from './container-backend';
import { toolCommand, WORKSPACE_DIR } from './sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import { type SandboxLogBuffer } from '../core/sandbox-log';
import { runStoppable } from './stoppable-command';
import { packTar, SANDBOX_UID } from './workspace-tar';
import { checkPaths } from '../core/workspace-limits';

/** Room in the output tar for headers and padding, above the files' own bytes. */
const TAR_OVERHEAD_PER_FILE = 1_024;

/**
 * Builds `files` (over the template's) into a static site in a container's workspace, under
 * SITE_BUILD_DIR where the app's installed dependencies resolve: the files go in as a tar, the
 * build runs as the project's tools do, and the output comes back as a tar read here, where any
 * entry but a file or a folder (a link the build left) fails it.
 */
export async function buildSiteInContainer(
  backend: ContainerBackend,
  log: SandboxLogBuffer,
  files: SandboxFile[],
  options: SiteBuildOptions,
): Promise<SiteBuildResult> {
  checkPaths(files.map((file) => file.path));
  const root = `${SITE_BUILD_DIR}/${randomBytes(8).toString('hex')}`;
  const byPath = new Map<string, SandboxFile>();
  for (const file of [...(await listTemplateFiles()), ...files]) {
    byPath.set(file.path, file);
  }
  const withServer = hasServerPart(files.map((file) => file.path));
  if (withServer) {
    byPath.set(SERVER_BUILD_CONFIG, {
      path: SERVER_BUILD_CONFIG,
      content: serverBuildConfigFile(),
    });
  }
  await backend.putArchive(await buildTar(root, [...byPath.values()]));
  const deadline = Date.now() + options.timeoutMs;
  const build = async (argv: string[], what: string) => {
    log.append('system', `${what}: ${argv.join(' ')}`);
    const tail = new OutputTail();
    const timeoutMs = Math.max(1, deadline - Date.now());
    const result = await runStoppable(backend, toolCommand(argv), {
      name: 'tool',
      signal: options.signal,
      timeoutMs,
      onOutput: (_stream, chunk) => tail.add(chunk),
    });
    return finishToolRun(log, 'vite', result, timeoutMs, tail);
  };
  try {
    const run = await build(siteBuildArgv(root), 'building a site');
    if (run.exitCode !== 0) {
      return { ok: false, output: run.output };
    }
    const site = await readSite(backend, root, options);
    if (!withServer) {
      return { ok: true, files: site, server: null };
    }
    const server = await build(serverBuildArgv(root), "building the app's server part");
    if (server.exitCode !== 0) {
      return { ok: false, output: server.output };
    }
    return { ok: true, files: site, server: await readBundle(backend, root, options) };
  } finally {
    await backend.exec({ argv: ['rm', '-rf', `${WORKSPACE_DIR}/${root}`] }).catch(() => undefined);
  }
}

/** The built site's files, as a tar out of the container. */
async function readSite(
  backend: ContainerBackend,
  root: string,
  options: SiteBuildOptions,
): Promise<SiteFile[]> {
  const out = await backend.exec({
    argv: ['tar', '-c', '-C', `${WORKSPACE_DIR}/${root}/${SITE_OUT_DIR}`, '.'],
    maxOutputBytes: options.maxBytes + options.maxFiles * TAR_OVERHEAD_PER_FILE,
  });
  if (out.truncated) {
    throw tooLarge(options.maxBytes);
  }
  if (out.exitCode !== 0) {
    throw new SandboxError('COMMAND_FAILED', `reading the build failed: ${out.stderr}`);
  }
  return readTar(out.stdout, options);
}

/** The server part's bundle; `test -f` first, as a link the build left is not followed. */
async function readBundle(
  backend: ContainerBackend,
  root: string,
  options: SiteBuildOptions,
): Promise<Buffer> {
  const path = `${WORKSPACE_DIR}/${root}/${SERVER_BUNDLE_PATH}`;
  const out = await backend.exec({
    argv: ['sh', '-c', 'test -f "$1" && test ! -L "$1" && cat "$1"', 'read-bundle', path],
    maxOutputBytes: options.maxServerBytes + 1,
  });
  if (out.exitCode !== 0) {
    throw new SandboxError('COMMAND_FAILED', `the server build wrote no ${SERVER_BUNDLE_PATH}`);
  }
  if (out.truncated || out.stdout.length > options.maxServerBytes) {
    throw serverTooLarge(options.maxServerBytes);
  }
  return out.stdout;
}

function buildTar(root: string, files: SandboxFile[]): Promise<Buffer> {
  const owner = { uid: SANDBOX_UID, gid: SANDBOX_UID, mtime: new Date() };
  const folders = new Set<string>();
  return packTar((tar) => {
    const folder = (name: string) => {
      if (folders.has(name)) {
        return;
      }
      folders.add(name);
      tar.entry({ name: `${name}/`, type: 'directory', mode: 0o755, ...owner });
    };
    const rootSegments = root.split('/');
    for (let depth = 1; depth <= rootSegments.length; depth++) {
      folder(rootSegments.slice(0, depth).join('/'));
    }
    for (const file of files) {
      const segments = file.path.split('/');
      for (let depth = 1; depth < segments.length; depth++) {
        folder(`${root}/${segments.slice(0, depth).join('/')}`);
      }
      // The bytes, not the text: a version's images and fonts are base64 (encoding).
      tar.entry(
        { name: `${root}/${file.path}`, type: 'file', mode: 0o644, ...owner },
        sandboxFileBytes(file),
      );
    }
  });
}

/** The files of a tar of the built site, within the limits; links and devices refuse it. */
export function readTar(tar: Buffer, limits: SiteBuildOptions): Promise<SiteFile[]> {
  return new Promise((resolve, reject) => {
    const files: SiteFile[] = [];
    let bytes = 0;
    const reader = extract();
    reader.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '').replace(/\/$/, '');
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'directory' || name === '' || name === '.') {
          return next();
        }
        if (header.type !== 'file') {
          return next(
            new SandboxError('PATH_ESCAPES_WORKSPACE', `the build left a link at ${name}`),
          );
        }
        const content = Buffer.concat(chunks);
        bytes += content.length;
        if (files.length + 1 > limits.maxFiles) {
          return next(
            new SandboxError(
              'TOO_MANY_FILES',
              `the built app has more than ${limits.maxFiles} files (PUBLISH_MAX_FILES)`,
            ),
          );
        }
        if (bytes > limits.maxBytes) {
          return next(tooLarge(limits.maxBytes));
        }
        files.push({ path: name, content });
        next();
      });
      stream.resume();
    });
    reader.on('finish', () => {
      if (!files.some((file) => file.path === 'index.html')) {
        reject(new SandboxError('COMMAND_FAILED', 'the build wrote no index.html'));
        return;
      }
      resolve(files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    });
    reader.on('error', reject);
    reader.end(tar);
  });
}

function tooLarge(maxBytes: number): SandboxError {
  return new SandboxError(
    'FILE_TOO_LARGE',
    `the built app holds more than ${maxBytes} bytes (PUBLISH_MAX_BYTES)`,
  );
}
