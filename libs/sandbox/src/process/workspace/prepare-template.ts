import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxError } from '../../core/sandbox-error';
import { lastLines } from '../../core/output-lines';
import { runCommand } from './run-command';
import { defaultBunPath, processSandboxEnv } from '../../core/sandbox-env';
import { listTemplateFiles, TEMPLATE_DIR, TEMPLATE_LOCKFILE } from '../../core/template';

/** Longest `bun install --frozen-lockfile` of the template, in ms. */
export const PREPARE_TEMPLATE_TIMEOUT_MS = 5 * 60_000;
/** Written last into a prepared copy, so its presence says the copy is complete. */
export const PREPARED_MARKER = join('node_modules', '.forge', 'prepared.json');
/** Installer output lines quoted in the error of a failed preparation. */
const FAILURE_LINES_QUOTED = 20;

export interface PreparedTemplate {
  /** The prepared copy: package.json, bun.lock and the installed node_modules. */
  dir: string;
  /** Hash of the template's package.json and bun.lock; names the copy. */
  key: string;
  /** The template whose files new workspaces copy. */
  templateDir: string;
}

export interface PrepareTemplateOptions {
  templateDir?: string;
  bunPath?: string;
  /** Added to the installer's environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const preparing = new Map<string, Promise<PreparedTemplate>>();

/**
 * Makes (once) a copy of the template's dependencies with node_modules installed, in
 * `<cacheRoot>/template-<hash of package.json and bun.lock>`, and returns it. The copy is built
 * in a staging folder and renamed into place, so a copy that exists is complete; when two
 * processes race, one rename wins and the other's staging folder is thrown away.
 */
export async function prepareTemplate(
  cacheRoot: string,
  options: PrepareTemplateOptions = {},
): Promise<PreparedTemplate> {
  const templateDir = options.templateDir ?? TEMPLATE_DIR;
  const files = await listTemplateFiles({ templateDir, includeLockfile: true });
  const manifests = files.filter((f) => f.path === 'package.json' || f.path === TEMPLATE_LOCKFILE);
  if (manifests.length !== 2) {
    throw new SandboxError(
      'START_FAILED',
      `the template in ${templateDir} needs both package.json and ${TEMPLATE_LOCKFILE}`,
    );
  }
  const hash = createHash('sha256');
  for (const file of manifests) {
    hash.update(`${file.path}\0${file.content}\0`);
  }
  const key = hash.digest('hex').slice(0, 16);
  const prepared: PreparedTemplate = { dir: join(cacheRoot, `template-${key}`), key, templateDir };
  if (await isPrepared(prepared.dir)) {
    return prepared;
  }

  // One build per copy and template in this process; other processes meet at the rename.
  const flight = `${prepared.dir}\0${templateDir}`;
  let pending = preparing.get(flight);
  if (!pending) {
    pending = build(cacheRoot, prepared, manifests, options).finally(() =>
      preparing.delete(flight),
    );
    preparing.set(flight, pending);
  }
  return pending;
}

async function isPrepared(dir: string): Promise<boolean> {
  return access(join(dir, PREPARED_MARKER)).then(
    () => true,
    () => false,
  );
}

async function build(
  cacheRoot: string,
  prepared: PreparedTemplate,
  manifests: { path: string; content: string }[],
  options: PrepareTemplateOptions,
): Promise<PreparedTemplate> {
  await mkdir(cacheRoot, { recursive: true });
  await removeAbandonedStaging(cacheRoot);
  const staging = join(
    cacheRoot,
    `.staging-${prepared.key}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  try {
    await mkdir(staging);
    for (const file of manifests) {
      await writeFile(join(staging, file.path), file.content);
    }
    const bun = options.bunPath ?? defaultBunPath();
    const args = ['install', '--frozen-lockfile', '--no-progress'];
    const result = await runCommand(bun, args, {
      cwd: staging,
      env: processSandboxEnv(options.env),
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? PREPARE_TEMPLATE_TIMEOUT_MS,
    });
    if (result.aborted) {
      throw new SandboxError('ABORTED', 'preparing the template was cancelled');
    }
    if (result.exitCode !== 0 || result.timedOut) {
      const why = result.timedOut
        ? `took longer than ${options.timeoutMs ?? PREPARE_TEMPLATE_TIMEOUT_MS} ms (timeoutMs)`
        : `exited with ${result.exitCode}`;
      throw new SandboxError(
        'COMMAND_FAILED',
        `preparing the template failed: bun ${args.join(' ')} ${why}\n${lastLines(result.output, FAILURE_LINES_QUOTED)}`,
      );
    }
    await mkdir(join(staging, PREPARED_MARKER, '..'), { recursive: true });
    await writeFile(
      join(staging, PREPARED_MARKER),
      JSON.stringify({ key: prepared.key, preparedAt: new Date().toISOString() }),
    );
    try {
      await rename(staging, prepared.dir);
    } catch (error) {
      // Another process renamed its copy into place first: use that one.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await isPrepared(prepared.dir))) {
        throw error;
      }
    }
    return prepared;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Staging folders of processes that died while preparing. */
async function removeAbandonedStaging(cacheRoot: string): Promise<void> {
  for (const name of await readdir(cacheRoot)) {
    const pid = /^\.staging-[0-9a-f]+-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) {
      await rm(join(cacheRoot, name), { recursive: true, force: true });
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
