import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTemplatePaths, TEMPLATE_DIR } from '@forge/sandbox/template';

/**
 * The app template every project starts from (libs/sandbox/template). Through the template
 * subpath of @forge/sandbox, which loads neither dockerode nor the Kubernetes client.
 */
export const STARTER_TEMPLATE_DIR = TEMPLATE_DIR;

export interface TemplateFile {
  path: string;
  data: Buffer;
}

/**
 * The template's files, byte for byte (a template may hold images), sorted by path, as
 * listTemplateFiles lists them: without installed or generated things, nor bun.lock, which is of
 * no use to a user who runs npm.
 */
export async function readStarterTemplate(dir = STARTER_TEMPLATE_DIR): Promise<TemplateFile[]> {
  let paths: string[];
  try {
    paths = await listTemplatePaths({ templateDir: dir });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `the starter template at ${dir} cannot be read (${reason}); the API needs libs/sandbox/template beside it`,
    );
  }
  return Promise.all(paths.map(async (path) => ({ path, data: await readFile(join(dir, path)) })));
}
