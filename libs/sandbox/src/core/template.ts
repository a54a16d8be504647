import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SandboxFile } from './sandbox';

/** The app template every project starts from (libs/sandbox/template), from src/ or dist/. */
export const TEMPLATE_DIR = resolve(__dirname, '..', '..', 'template');

/** The template's lockfile: copied into workspaces, but of no use to the LLM. */
export const TEMPLATE_LOCKFILE = 'bun.lock';

// Installed or generated, never part of the template's source.
const SKIPPED_NAMES = new Set(['node_modules', 'dist', 'dist-server', '.vite', '.DS_Store']);

export interface ListTemplateFilesOptions {
  /** Where the template is; TEMPLATE_DIR by default. */
  templateDir?: string;
  /** Include bun.lock (a workspace needs it; the LLM does not). */
  includeLockfile?: boolean;
}

/**
 * The template's files with their content, sorted by path: what a new project starts with, and
 * what the agent shows the LLM so that generated code builds on it.
 */
export async function listTemplateFiles(
  options: ListTemplateFilesOptions = {},
): Promise<SandboxFile[]> {
  const root = options.templateDir ?? TEMPLATE_DIR;
  const paths = await listTemplatePaths(options);
  return Promise.all(
    paths.map(async (path) => ({ path, content: await readFile(join(root, path), 'utf8') })),
  );
}

/** The paths of the template's files, sorted: for a reader that wants bytes rather than text. */
export async function listTemplatePaths(options: ListTemplateFilesOptions = {}): Promise<string[]> {
  const paths = await listPaths(options.templateDir ?? TEMPLATE_DIR, '');
  return paths
    .filter((path) => options.includeLockfile || path !== TEMPLATE_LOCKFILE)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function listPaths(root: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !SKIPPED_NAMES.has(entry.name))
      .map(async (entry) => {
        const path = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          return listPaths(root, path);
        }
        return entry.isFile() ? [path] : [];
      }),
  );
  return nested.flat();
}
