import fc from 'fast-check';
import { isProjectPath } from '@forge/protocol';
import { GitIoError } from './git-io.error';
import { selectImportEntries } from './import-files';
import { buildZip } from './testing/zip-builder';
import { listZip, readZipEntry } from './zip-reader';

const LIMITS = { maxBytes: 1024 * 1024, maxFiles: 100 };
const segment = fc.oneof(
  fc.constantFrom('..', '.', '', 'node_modules', '.git', 'dist', 'src', '~', 'C:', 'a b', 'x\\y'),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const name = fc
  .tuple(fc.constantFrom('', '/'), fc.array(segment, { minLength: 1, maxLength: 5 }))
  .map(([lead, parts]) => lead + parts.join('/'));

describe('zip reader', () => {
  it('reads back what was written: names, bytes, stored or deflated', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ minLength: 1, maxLength: 40 }),
            data: fc.uint8Array({ maxLength: 2000 }),
            method: fc.constantFrom(0 as const, 8 as const),
          }),
          { maxLength: 20 },
        ),
        (entries) => {
          const zip = buildZip(
            entries.map((entry) => ({ ...entry, data: Buffer.from(entry.data) })),
          );
          const listed = listZip(zip, 100);
          expect(listed.map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
          listed.forEach((entry, index) => {
            expect(readZipEntry(zip, entry).equals(Buffer.from(entries[index]!.data))).toBe(true);
          });
        },
      ),
    );
  });

  it('never throws anything but a GitIoError on damaged archives', () => {
    const good = buildZip([
      { name: 'package.json', data: '{"a":1}' },
      { name: 'src/a.ts', data: 'x'.repeat(500) },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(good.length),
        (flips, cut) => {
          const damaged = Buffer.from(good.subarray(0, Math.max(cut, 22)));
          for (const [at, value] of flips) {
            if (at < damaged.length) {
              damaged[at] = value;
            }
          }
          try {
            for (const entry of listZip(damaged, 100)) {
              readZipEntry(damaged, entry);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(GitIoError);
          }
        },
      ),
    );
  });

  it('keeps only paths the stream format accepts, none outside the project, or refuses the import', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 8 }), (names) => {
        const entries = names.map((entryName) => ({
          name: entryName,
          directory: false,
          link: false,
          size: 1,
        }));
        let kept: { path: string }[];
        try {
          kept = selectImportEntries(entries, LIMITS);
        } catch (error) {
          expect(error).toBeInstanceOf(GitIoError);
          return;
        }
        for (const { path } of kept) {
          expect(isProjectPath(path)).toBe(true);
          expect(path.split('/')).not.toContain('..');
          expect(path.split('/')).not.toContain('node_modules');
        }
        const paths = kept.map(({ path }) => path);
        expect(new Set(paths).size).toBe(paths.length);
        for (const path of paths) {
          expect(paths.some((other) => other.startsWith(`${path}/`))).toBe(false);
        }
      }),
    );
  });
});
