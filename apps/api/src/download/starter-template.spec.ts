import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTemplateFiles } from '@forge/sandbox/template';
import { readStarterTemplate, STARTER_TEMPLATE_DIR } from './starter-template';

describe(readStarterTemplate.name, () => {
  it('reads the same files as the sandbox’s listTemplateFiles (without bun.lock)', async () => {
    const ours = await readStarterTemplate();
    const sandbox = await listTemplateFiles({ templateDir: STARTER_TEMPLATE_DIR });
    expect(ours.map((file) => [file.path, file.data.toString('utf8')])).toEqual(
      sandbox.map((file) => [file.path, file.content]),
    );
    expect(ours.map((file) => file.path)).toEqual(
      expect.arrayContaining(['package.json', 'src/App.tsx']),
    );
    expect(ours.map((file) => file.path)).not.toContain('bun.lock');
  });

  it('leaves out installed and built folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forge-starter-template-'));
    try {
      for (const path of ['src/a.ts', 'node_modules/x/index.js', 'dist/index.html', 'bun.lock']) {
        await mkdir(join(dir, path, '..'), { recursive: true });
        await writeFile(join(dir, path), path);
      }
      expect((await readStarterTemplate(dir)).map((file) => file.path)).toEqual(['src/a.ts']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the folder it cannot read', async () => {
    await expect(readStarterTemplate('/nonexistent/template')).rejects.toThrow(
      /starter template at \/nonexistent\/template cannot be read \(ENOENT\)/,
    );
  });
});
