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
