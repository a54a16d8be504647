import { checkProjectPath } from '@forge/protocol';
import { GitIoError } from './git-io.error';

/** A file of an imported app as Forge stores it: text, or base64 of a binary file's bytes. */
export interface ImportedFile {
  path: string;
  content: string;
  encoding?: 'base64';
}

/** An entry of an archive or a git tree, before anything is read. */
export interface ImportEntry {
  name: string;
  directory: boolean;
  link: boolean;
  size: number;
}

export interface ImportLimits {
  maxBytes: number;
  maxFiles: number;
}

/** Folders an import leaves out wherever they are: installed packages and git's own. */
const SKIPPED_ANYWHERE = new Set(['node_modules', '.git']);
/** Left out at the app's root only: build output. */
const SKIPPED_AT_ROOT = new Set(['dist']);

/**
 * Which entries become project files, and under which path. Every name is checked as the stream
 * format checks paths (libs/protocol checkProjectPath) before anything else, skipped ones too:
 * `../`, absolute paths and the like refuse the whole import. Links refuse it too. A single
 * folder holding everything (GitHub's `app-main/`) is taken as the root. node_modules and .git
 * anywhere and dist at the root are left out. The kept files' declared sizes and count are
 * judged against the limits before a byte is read.
 */
export function selectImportEntries<E extends ImportEntry>(
  entries: E[],
  limits: ImportLimits,
): { entry: E; path: string }[] {
  for (const entry of entries) {
    const name = entry.directory ? entry.name.replace(/\/$/, '') : entry.name;
    const problem = name === '' ? null : checkProjectPath(name);
    if (problem && problem.code !== 'FORBIDDEN_FOLDER') {
      throw GitIoError.badPath(entry.name, problem.message);
    }
    if (entry.link) {
      throw GitIoError.link(entry.name);
    }
  }
  const files = entries.filter((entry) => !entry.directory);
  const tops = new Set(files.map((entry) => entry.name.split('/')[0]));
  const [onlyTop] = tops;
  const root =
    tops.size === 1 && files.every((entry) => entry.name.includes('/')) ? `${onlyTop}/` : '';
  const kept: { entry: E; path: string }[] = [];
  let bytes = 0;
  for (const entry of files) {
    const path = entry.name.slice(root.length);
    const segments = path.split('/');
    if (segments.some((segment) => SKIPPED_ANYWHERE.has(segment))) {
      continue;
    }
    if (SKIPPED_AT_ROOT.has(segments[0]!) && segments.length > 1) {
      continue;
    }
    const problem = checkProjectPath(path);
    if (problem) {
      throw GitIoError.badPath(entry.name, problem.message);
    }
    bytes += entry.size;
    kept.push({ entry, path });
  }
  const paths = new Set(kept.map(({ path }) => path));
  if (paths.size !== kept.length) {
    const twice = kept.find(
      ({ path }, index) => kept.findIndex((other) => other.path === path) !== index,
    );
    throw GitIoError.badPath(twice!.path, 'the path appears twice');
  }
  for (const { path } of kept) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      if (paths.has(path.slice(0, slash))) {
        throw GitIoError.badPath(path, `${path.slice(0, slash)} is a file and a folder at once`);
      }
    }
  }
  if (kept.length > limits.maxFiles) {
    throw GitIoError.importTooManyFiles(kept.length, limits.maxFiles);
  }
  if (bytes > limits.maxBytes) {
    throw GitIoError.importTooLarge(`its files hold ${bytes} bytes`, limits.maxBytes);
  }
  return kept;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are UTF-8 without NUL; otherwise base64, as binary files are stored. */
export function toImportedFile(path: string, bytes: Buffer): ImportedFile {
  if (!bytes.includes(0)) {
    try {
      return { path, content: UTF8.decode(bytes) };
    } catch {
      // not UTF-8: binary
    }
  }
  return { path, content: bytes.toString('base64'), encoding: 'base64' };
}

/** An app Forge can work on: a package.json at the root that depends on vite and react. */
export function checkViteReactApp(files: ImportedFile[]): { name: string | null } {
  const manifest = files.find((file) => file.path === 'package.json');
  if (!manifest || manifest.encoding) {
    throw GitIoError.notAnApp('there is no package.json at its root');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest.content);
  } catch {
    throw GitIoError.notAnApp('its package.json is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw GitIoError.notAnApp('its package.json is not an object');
  }
  const record = parsed as Record<string, unknown>;
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies']) {
    const value = record[field];
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        names.add(key);
      }
    }
  }
  for (const needed of ['vite', 'react']) {
    if (!names.has(needed)) {
      throw GitIoError.notAnApp(`its package.json does not depend on ${needed}`);
    }
  }
  return { name: typeof record['name'] === 'string' ? record['name'] : null };
}
