// The production part of an installed npm workspace tree, found by walking the packages an app
// really needs (dependencies, optional dependencies found on disk, required peers) from its
// workspaces, the way Node resolves them. Copying only those gives the same tree
// `npm ci --omit=dev -w <app>` would, without a registry: the Docker build stage and the host
// (deploy/build-images.sh --prebuilt) share it.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  linkSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export class StageError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StageError('BAD_JSON', `cannot read ${file}: ${error.message}`);
  }
}

/** Workspace folders (relative to the root) an app builds from: itself and its tsconfig references, transitively. */
export function workspaceClosure(root, appDir) {
  const seen = new Set();
  const visit = (dir) => {
    const rel = relative(root, resolve(root, dir)).split(sep).join('/');
    if (seen.has(rel)) return;
    if (!existsSync(join(root, rel, 'package.json')))
      throw new StageError('NOT_A_WORKSPACE', `${rel} has no package.json`);
    seen.add(rel);
    const tsconfig = join(root, rel, 'tsconfig.json');
    if (!existsSync(tsconfig)) return;
    for (const reference of readJson(tsconfig).references ?? []) visit(join(rel, reference.path));
  };
  visit(appDir);
  return [...seen];
}

/** `node_modules/x` as Node finds it from `fromDir` (relative to root): nearest first, up to the root. */
function resolvePackage(root, fromDir, name) {
  let dir = fromDir;
  for (;;) {
    if (!dir.endsWith('node_modules')) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (existsSync(join(root, candidate, 'package.json'))) return candidate;
    }
    if (!dir) return null;
    const parent = dirname(dir);
    dir = parent === '.' ? '' : parent;
  }
}

/**
 * Every installed package (as paths relative to root, e.g. `node_modules/pg` or
 * `libs/sandbox/node_modules/tar-stream`) the given workspaces need at run time.
 */
export function productionPackages(root, workspaces) {
  const workspaceNames = new Map(
    workspaces.map((dir) => [readJson(join(root, dir, 'package.json')).name, dir]),
  );
  const found = new Set();
  const queue = workspaces.map((dir) => ({ at: dir, manifest: join(root, dir, 'package.json') }));
  while (queue.length > 0) {
    const { at, manifest } = queue.shift();
    const pkg = readJson(manifest);
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, optional: false })),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
      ...Object.keys(pkg.peerDependencies ?? {})
        .filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional)
        .map((name) => ({ name, optional: false })),
    ];
    for (const { name, optional } of wanted) {
      if (workspaceNames.has(name)) continue;
      if (name.startsWith('@forge/')) {
        throw new StageError(
          'WORKSPACE_NOT_REFERENCED',
          `${pkg.name} depends on ${name}, which is not among the tsconfig references of the app (${workspaces.join(', ')})`,
        );
      }
      const location = resolvePackage(root, at, name);
      if (!location) {
        if (optional) continue;
        throw new StageError(
          'DEPENDENCY_MISSING',
          `${name}, needed by ${pkg.name ?? at}, is not installed under ${root}; run npm install first`,
        );
      }
      if (found.has(location)) continue;
      found.add(location);
      queue.push({ at: location, manifest: join(root, location, 'package.json') });
    }
  }
  return [...found].sort();
}

/** A hard link, or false when the two paths are on different file systems. */
function tryLink(source, target) {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    if (error.code === 'EXDEV') return false;
    throw error;
  }
}

/**
 * Copies a folder (files, symlinks, modes), leaving out what `skip(relativePath)` names. Files
 * hard-linked to each other stay linked (bun's two 100 MB binaries are one file on disk). With
 * `link`, files are hard links to the originals (same file system; ten times faster than copies).
 */
export function copyTree(from, to, { skip = () => false, link = false, inodes = new Map() } = {}) {
  const walk = (rel) => {
    const source = join(from, rel);
    const target = join(to, rel);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) {
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(readlinkSync(source), target);
    } else if (stat.isDirectory()) {
      mkdirSync(target, { recursive: true });
      for (const entry of readdirSync(source)) {
        const child = rel ? `${rel}/${entry}` : entry;
        if (!skip(child)) walk(child);
      }
    } else if (stat.isFile()) {
      mkdirSync(dirname(target), { recursive: true });
      const key = `${stat.dev}:${stat.ino}`;
      if (link && tryLink(source, target)) return;
      if (stat.nlink > 1 && inodes.has(key)) linkSync(inodes.get(key), target);
      else {
        copyFileSync(source, target);
        if (stat.nlink > 1) inodes.set(key, target);
      }
    }
  };
  walk('');
}

/** Copies the packages into `dest` at the same relative paths, without their nested node_modules. */
export function copyPackages(root, packages, dest, { link = false } = {}) {
  const inodes = new Map();
  const skip = (rel) => rel === 'node_modules' || rel.startsWith('node_modules/');
  for (const location of packages) {
    copyTree(join(root, location), join(dest, location), { skip, link, inodes });
  }
}
