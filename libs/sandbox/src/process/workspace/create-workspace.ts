import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PreparedTemplate } from './prepare-template';
import { listTemplateFiles } from '../../core/template';

const run = promisify(execFile);

/**
 * Makes a new project workspace at `target` (which must not exist): a copy of the template's
 * files and a hard-linked copy of the prepared node_modules (`cp -al`: tens of ms, no extra
 * disk). Not a symbolic link: each workspace needs its own node_modules folders, where Vite
 * keeps its cache (node_modules/.vite) and bun adds packages. Package files are shared; bun and
 * Vite replace files rather than write into them, so one workspace never changes another's.
 */
export async function createWorkspace(prepared: PreparedTemplate, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await mkdir(target);
  await run('cp', ['-al', join(prepared.dir, 'node_modules'), join(target, 'node_modules')]);
  const files = await listTemplateFiles({
    templateDir: prepared.templateDir,
    includeLockfile: true,
  });
  for (const file of files) {
    const path = join(target, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
  }
}
