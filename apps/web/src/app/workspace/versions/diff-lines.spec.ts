import { readUnifiedDiff } from './diff-lines';

const DIFF = [
  'diff --git a/src/a.ts b/src/a.ts',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -2,3 +2,4 @@ export',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  '+const c = 4;',
  '--- not a header inside a hunk',
  '\\ No newline at end of file',
  '',
].join('\n');

describe(readUnifiedDiff.name, () => {
  it('numbers the lines from the hunk header and drops the file header', () => {
    const view = readUnifiedDiff(DIFF);
    expect(
      view.lines.map((line) => [line.kind, line.oldNumber, line.newNumber, line.text]),
    ).toEqual([
      ['hunk', null, null, '@@ -2,3 +2,4 @@ export'],
      ['context', 2, 2, 'const a = 1;'],
      ['removed', 3, null, 'const b = 2;'],
      ['added', null, 3, 'const b = 3;'],
      ['added', null, 4, 'const c = 4;'],
      ['removed', 4, null, '-- not a header inside a hunk'],
      ['note', null, null, '\\ No newline at end of file'],
    ]);
    expect(view).toMatchObject({ added: 2, removed: 2, hidden: 0 });
  });

  it('counts every line but keeps only the first ones of a long diff', () => {
    const long = `@@ -0,0 +1,5 @@\n${'+x\n'.repeat(5)}`;
    const view = readUnifiedDiff(long, 3);
    expect(view.lines).toHaveLength(3);
    expect(view).toMatchObject({ added: 5, hidden: 3 });
  });

  it('shows a binary file’s line as a note, neither added nor removed', () => {
    const text = 'Binary files a/public/logo.png (3 bytes) and b/public/logo.png (4 bytes) differ';
    expect(readUnifiedDiff(`${text}\n`)).toEqual({
      lines: [{ kind: 'note', text, oldNumber: null, newNumber: null }],
      hidden: 0,
      added: 0,
      removed: 0,
    });
  });

  it('reads an empty diff as no lines', () => {
    expect(readUnifiedDiff('')).toEqual({ lines: [], hidden: 0, added: 0, removed: 0 });
  });
});
