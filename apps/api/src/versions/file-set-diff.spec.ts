import { applyPatch } from 'diff';
import { DIFF_MAX_EDIT_LENGTH, diffFileSets } from './file-set-diff';

describe(diffFileSets.name, () => {
  it('lists added, removed and changed files by path, with git-style unified diffs', () => {
    const before = [
      { path: 'src/b.ts', content: 'one\ntwo\nthree\n' },
      { path: 'src/gone.ts', content: 'bye' },
      { path: 'same.ts', content: 'same\n' },
    ];
    const after = [
      { path: 'src/new.ts', content: 'hello\n' },
      { path: 'same.ts', content: 'same\n' },
      { path: 'src/b.ts', content: 'one\n2\nthree\n' },
    ];
    expect(diffFileSets(before, after)).toEqual([
      {
        path: 'src/b.ts',
        status: 'changed',
        diff: '--- a/src/b.ts\n+++ b/src/b.ts\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n',
      },
      {
        path: 'src/gone.ts',
        status: 'removed',
        diff: '--- a/src/gone.ts\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye\n\\ No newline at end of file\n',
      },
      {
        path: 'src/new.ts',
        status: 'added',
        diff: '--- /dev/null\n+++ b/src/new.ts\n@@ -0,0 +1,1 @@\n+hello\n',
      },
    ]);
  });

  it('says a binary file changed, with its sizes, rather than diffing its base64', () => {
    const png = (bytes: number[]) => ({
      content: Buffer.from(bytes).toString('base64'),
      encoding: 'base64' as const,
    });
    const before = [
      { path: 'public/logo.png', ...png([1, 2, 3]) },
      { path: 'public/same.png', ...png([9]) },
      // The same characters as text: a text file and a binary one never match.
      { path: 'public/turned.png', content: Buffer.from([7, 7]).toString('base64') },
    ];
    const after = [
      { path: 'public/logo.png', ...png([1, 2, 3, 4]) },
      { path: 'public/same.png', ...png([9]) },
      { path: 'public/turned.png', ...png([7, 7]) },
      { path: 'public/new.png', ...png([5]) },
    ];
    expect(diffFileSets(before, after)).toEqual([
      {
        path: 'public/logo.png',
        status: 'changed',
        diff: 'Binary files a/public/logo.png (3 bytes) and b/public/logo.png (4 bytes) differ\n',
      },
      {
        path: 'public/new.png',
        status: 'added',
        diff: 'Binary files /dev/null (none) and b/public/new.png (1 bytes) differ\n',
      },
      {
        path: 'public/turned.png',
        status: 'changed',
        diff: 'Binary files a/public/turned.png (4 bytes) and b/public/turned.png (2 bytes) differ\n',
      },
    ]);
  });

  it('shows two very different long files as one replacement hunk that still applies', () => {
    // Every tenth line is shared: a minimal diff would keep them as context lines.
    const lines = DIFF_MAX_EDIT_LENGTH + 200;
    const text = (side: string) =>
      Array.from({ length: lines }, (_, i) => (i % 10 === 0 ? `same ${i}` : `${side} ${i}`));
    const was = text('old').join('\n') + '\n';
    const is = text('new').join('\n');
    const [file] = diffFileSets(
      [{ path: 'big.txt', content: was }],
      [{ path: 'big.txt', content: is }],
    );
    expect(file?.status).toBe('changed');
    const diffLines = file?.diff.split('\n') ?? [];
    expect(diffLines.slice(0, 3)).toEqual([
      '--- a/big.txt',
      '+++ b/big.txt',
      `@@ -1,${lines} +1,${lines} @@`,
    ]);
    expect(diffLines.filter((line) => line.startsWith(' '))).toEqual([]);
    expect(applyPatch(was, file?.diff ?? '')).toBe(is);
  });
});
