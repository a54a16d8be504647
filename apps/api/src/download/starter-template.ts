import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The app template every project starts from (libs/sandbox/template), found from this file in
 * apps/api/src or apps/api/dist alike, and at /app/libs/sandbox/template in the API image.
 *
 * The API reads it itself rather than through @forge/sandbox: that package would bring dockerode,
 * the Kubernetes client and bun (~160 MB) into the API's image and start-up for a folder listing.
 */
export const STARTER_TEMPLATE_DIR = resolve(__dirname, '../../../../libs/sandbox/template');

/**
 * Left out, as listTemplateFiles in @forge/sandbox leaves them out: installed or generated
 * things, and bun.lock, which is of no use to a user who runs npm.
 */
const SKIPPED_NAMES = new Set([
  'node_modules',
  'dist',
  'dist-server',
  '.vite',
  '.DS_Store',
  'bun.lock',
]);

export interface TemplateFile {
  path: string;
  data: Buffer;
}

/** The template's files, byte for byte (a template may hold images), sorted by path. */
export async function readStarterTemplate(dir = STARTER_TEMPLATE_DIR): Promise<TemplateFile[]> {
  let paths: string[];
  try {
    paths = await listPaths(dir, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `the starter template at ${dir} cannot be read (${reason}); the API needs libs/sandbox/template beside it`,
    );
  }
  const files = await Promise.all(
    paths.map(async (path) => ({ path, data: await readFile(join(dir, path)) })),
  );
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function listPaths(root: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !SKIPPED_NAMES.has(entry.name))
      .map(async (entry) => {
        const path = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) return listPaths(root, path);
        return entry.isFile() ? [path] : [];
      }),
  );
  return nested.flat();
}
