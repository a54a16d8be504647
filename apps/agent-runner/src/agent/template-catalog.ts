import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type SourceFile } from './code-context';

const SKIPPED = new Set(['node_modules', 'dist', 'bun.lock', '.vite']);

/** The starter every generated app begins from: libs/sandbox/template, read once. */
export class TemplateCatalog {
  private files?: Promise<SourceFile[]>;

  constructor(
    private readonly root = join(
      dirname(require.resolve('@forge/sandbox/package.json')),
      'template',
    ),
  ) {}

  list(): Promise<SourceFile[]> {
    this.files ??= this.read(this.root);
    return this.files;
  }

  private async read(dir: string): Promise<SourceFile[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const files: SourceFile[] = [];
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) files.push(...(await this.read(path)));
      else if (entry.isFile())
        files.push({ path: relative(this.root, path), content: await readFile(path, 'utf8') });
    }
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
}
