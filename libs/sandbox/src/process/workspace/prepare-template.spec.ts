import { cp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkspace } from './create-workspace';
import { PREPARED_MARKER, prepareTemplate } from './prepare-template';
import { TEMPLATE_DIR } from '../../core/template';
import { makeTempDir } from '../../testing/test-helpers';

describe(prepareTemplate.name, () => {
  let cacheRoot: string;

  beforeAll(async () => {
    cacheRoot = await makeTempDir('template-cache');
  });

  afterAll(async () => {
    await rm(cacheRoot, { recursive: true, force: true });
  });

  it('installs the template once, in a folder named by its lockfile, and reuses it', async () => {
    const first = await prepareTemplate(cacheRoot);
    expect(first.dir).toBe(join(cacheRoot, `template-${first.key}`));
    await expect(stat(join(first.dir, PREPARED_MARKER))).resolves.toBeTruthy();
    await expect(
      stat(join(first.dir, 'node_modules', 'vite', 'bin', 'vite.js')),
    ).resolves.toBeTruthy();
    const markerTime = (await stat(join(first.dir, PREPARED_MARKER))).mtimeMs;
    const again = await prepareTemplate(cacheRoot);
    expect(again).toEqual(first);
    expect((await stat(join(first.dir, PREPARED_MARKER))).mtimeMs).toBe(markerTime);
  });

  it('ends with one complete copy when two preparations race', async () => {
    const raceRoot = join(cacheRoot, 'race');
    // Two copies of the template: separate builds, as two processes would run them.
    const twin = join(cacheRoot, 'template-twin');
    await cp(TEMPLATE_DIR, twin, {
      recursive: true,
      filter: (source) => !source.includes('node_modules') && !source.includes('/dist'),
    });
    const [a, b] = await Promise.all([
      prepareTemplate(raceRoot),
      prepareTemplate(raceRoot, { templateDir: twin }),
    ]);
    expect(a.dir).toBe(b.dir);
    await expect(stat(join(a.dir, PREPARED_MARKER))).resolves.toBeTruthy();
    // The losing staging folder is gone.
    expect((await readdir(raceRoot)).filter((name) => name.startsWith('.staging'))).toEqual([]);
  });

  it('makes workspaces whose node_modules are hard links to the prepared copy, not a link', async () => {
    const prepared = await prepareTemplate(cacheRoot);
    const workspace = join(cacheRoot, 'workspaces', 'one');
    await createWorkspace(prepared, workspace);
    const linked = await stat(join(workspace, 'node_modules', 'vite', 'package.json'));
    const original = await stat(join(prepared.dir, 'node_modules', 'vite', 'package.json'));
    expect(linked.ino).toBe(original.ino);
    expect((await stat(join(workspace, 'node_modules'))).ino).not.toBe(
      (await stat(join(prepared.dir, 'node_modules'))).ino,
    );
    await expect(stat(join(workspace, 'src', 'App.tsx'))).resolves.toBeTruthy();
    await expect(stat(join(workspace, 'bun.lock'))).resolves.toBeTruthy();
  });
});
