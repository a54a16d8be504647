import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeZip, type ZipEntry } from './zip-writer';

const run = promisify(execFile);
const UNZIP = '/usr/bin/unzip';

describe(writeZip.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'forge-zip-writer-'));
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes an archive that unzip tests, lists and extracts byte for byte', async () => {
    const entries: ZipEntry[] = [
      { path: 'package.json', data: '{\n  "name": "héllo"\n}\n' },
      { path: 'src/components/Counter.tsx', data: 'export const Counter = () => 1;\n'.repeat(200) },
      { path: 'src/ünïcode-名前.ts', data: 'export {};\n' },
      { path: 'empty.txt', data: '' },
      // Random bytes do not deflate: this one is stored.
      { path: 'public/noise.bin', data: randomBytes(4096) },
    ];
    const zip = await writeZip(entries, new Date(2024, 4, 17, 13, 45, 30));
    const file = join(dir, 'app.zip');
    await writeFile(file, zip);

    const tested = await run(UNZIP, ['-t', file]);
    expect(tested.stdout).toMatch(/No errors detected/);

    const listing = (await run(UNZIP, ['-Z', '-T', file])).stdout;
    expect(listing).toMatch(/-rw-r--r--.* 20240517\.134530 src\/components\/Counter\.tsx/);
    // One deflated ("defN") and one stored ("stor") entry.
    expect(listing).toMatch(/defN 20240517\.134530 src\/components\/Counter\.tsx/);
    expect(listing).toMatch(/stor 20240517\.134530 public\/noise\.bin/);

    const out = join(dir, 'out');
    await run(UNZIP, ['-q', file, '-d', out]);
    for (const entry of entries) {
      const expected =
        typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
      expect(await readFile(join(out, entry.path))).toEqual(expected);
      expect((await stat(join(out, entry.path))).mode & 0o777).toBe(0o644);
    }
  });

  it('writes an empty archive unzip accepts', async () => {
    const file = join(dir, 'empty.zip');
    await writeFile(file, await writeZip([]));
    // zipinfo reads the end record and finds no entries (and exits 1, as for every empty zip).
    const info = await run(UNZIP, ['-Z', '-1', file]).catch((error: { stdout: string }) => error);
    expect(info.stdout).toMatch(/Empty zipfile/);
    expect((await readFile(file)).length).toBe(22);
  });

  it.each([
    ['an absolute path', '/etc/passwd'],
    ['a parent segment', 'src/../../x'],
    ['a backslash', 'src\\x'],
    ['an empty segment', 'src//x'],
    ['a folder', 'src/'],
    ['an empty name', ''],
  ])('refuses %s', async (_label, path) => {
    await expect(writeZip([{ path, data: 'x' }])).rejects.toThrow(/not a relative file path/);
  });

  it('refuses the same path twice', async () => {
    await expect(
      writeZip([
        { path: 'a.txt', data: '1' },
        { path: 'a.txt', data: '2' },
      ]),
    ).rejects.toThrow(/a\.txt twice/);
  });
});
