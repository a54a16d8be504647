import { listTemplateFiles, TEMPLATE_LOCKFILE } from './template';

describe(listTemplateFiles.name, () => {
  it("lists the template's source files with their content, sorted, without installed files", async () => {
    const files = await listTemplateFiles();
    const paths = files.map((file) => file.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'vite.config.ts',
        'index.html',
        'src/main.tsx',
        'src/App.tsx',
        'src/index.css',
      ]),
    );
    expect(paths.some((path) => path.startsWith('node_modules/') || path.startsWith('dist/'))).toBe(
      false,
    );
    expect(paths).not.toContain(TEMPLATE_LOCKFILE);
    expect(files.find((file) => file.path === 'src/index.css')?.content).toMatch(
      /@import ['"]tailwindcss['"];/,
    );
  });

  it('includes the lockfile when asked', async () => {
    const files = await listTemplateFiles({ includeLockfile: true });
    expect(files.map((file) => file.path)).toContain(TEMPLATE_LOCKFILE);
  });
});
