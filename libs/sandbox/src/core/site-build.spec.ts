import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSiteFiles, siteBuildArgv } from './site-build';

describe(readSiteFiles.name, () => {
  let root: string;
  const limits = { maxBytes: 1_000, maxFiles: 10 };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'forge-site-build-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html>');
    writeFileSync(join(root, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0, 255, 10]));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads every file byte for byte, with site paths, sorted', async () => {
    const files = await readSiteFiles(root, limits);
    expect(files.map((file) => file.path)).toEqual(['assets/logo.png', 'index.html']);
    expect(files[0]!.content).toEqual(Buffer.from([0x89, 0x50, 0, 255, 10]));
  });

  it('refuses a link the build left, to a file or a folder', async () => {
    symlinkSync('/etc/passwd', join(root, 'passwd'));
    await expect(readSiteFiles(root, limits)).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
      message: expect.stringContaining('passwd'),
    });
    rmSync(join(root, 'passwd'));
    symlinkSync('/etc', join(root, 'assets', 'etc'));
    await expect(readSiteFiles(root, limits)).rejects.toMatchObject({
      code: 'PATH_ESCAPES_WORKSPACE',
    });
  });

  it('refuses a build past the limits, naming them', async () => {
    writeFileSync(join(root, 'big.js'), 'x'.repeat(1_001));
    await expect(readSiteFiles(root, limits)).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('PUBLISH_MAX_BYTES'),
    });
    rmSync(join(root, 'big.js'));
    for (let i = 0; i < 10; i++) {
      writeFileSync(join(root, `f${i}.js`), '1');
    }
    await expect(readSiteFiles(root, limits)).rejects.toMatchObject({
      code: 'TOO_MANY_FILES',
      message: expect.stringContaining('PUBLISH_MAX_FILES'),
    });
  });

  it('refuses a build without index.html', async () => {
    rmSync(join(root, 'index.html'));
    await expect(readSiteFiles(root, limits)).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });

  it('builds into the given root for a site served at a host root', () => {
    expect(siteBuildArgv('node_modules/.forge-publish/x')).toEqual([
      'vite',
      'build',
      'node_modules/.forge-publish/x',
      '--outDir',
      'dist',
      '--emptyOutDir',
      '--base',
      '/',
      '--logLevel',
      'error',
    ]);
  });
});
