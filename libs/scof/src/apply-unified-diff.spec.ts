import { createPatch } from 'diff';
import fc from 'fast-check';
import { applyUnifiedDiff } from './apply-unified-diff';

const lines = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `line ${from + i}`).join('\n') + '\n';

function applied(original: string, diff: string): string {
  const result = applyUnifiedDiff(original, diff);
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.content;
}

describe(applyUnifiedDiff.name, () => {
  const original = lines(30);

  it('applies a hunk at its stated line', () => {
    const diff = '@@ -4,3 +4,3 @@\n line 4\n-line 5\n+line five\n line 6\n';
    expect(applied(original, diff)).toBe(original.replace('line 5\n', 'line five\n'));
  });

  it('places a hunk by its context when its line numbers are off', () => {
    for (const start of [1, 12, 25, 400]) {
      const diff = `@@ -${start},3 +${start},3 @@\n line 9\n-line 10\n+line ten\n line 11\n`;
      expect(applied(original, diff)).toBe(original.replace('line 10\n', 'line ten\n'));
    }
  });

  it('applies several hunks, carrying the offset of one to the next', () => {
    const diff = [
      '--- a/f.txt',
      '+++ b/f.txt',
      '@@ -10,3 +10,4 @@',
      ' line 4',
      '+inserted after 4',
      ' line 5',
      ' line 6',
      '@@ -26,3 +27,2 @@',
      ' line 20',
      '-line 21',
      ' line 22',
      '',
    ].join('\n');
    const expected = original
      .replace('line 4\n', 'line 4\ninserted after 4\n')
      .replace('line 21\n', '');
    expect(applied(original, diff)).toBe(expected);
  });

  it('reads hunks without line numbers and with bare empty context lines', () => {
    const file = 'function a() {\n\n  return 1;\n}\n';
    const diff = '@@ @@\n function a() {\n\n-  return 1;\n+  return 2;\n }\n\n';
    expect(applied(file, diff)).toBe('function a() {\n\n  return 2;\n}\n');
  });

  it('tolerates whitespace mistakes in the context, keeping the file’s own lines', () => {
    const file = 'if (x) {\n    call();   \n    done();\n}\n';
    const diff = '@@ -1,4 +1,4 @@\n if (x) {\n   call();\n-  done();\n+  finish();\n }\n';
    expect(applied(file, diff)).toBe('if (x) {\n    call();   \n  finish();\n}\n');
  });

  it('fails, without touching the file, when a hunk’s context is not there', () => {
    const diff =
      '@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line three\n line 4\n' +
      '@@ -20,3 +20,3 @@\n not in the file\n-line 21\n+line 21!\n line 22\n';
    const result = applyUnifiedDiff(original, diff);
    expect(result).toEqual({
      ok: false,
      failedHunks: [
        {
          index: 1,
          header: '@@ -20,3 +20,3 @@',
          reason: 'its context and removed lines are not in the file',
        },
      ],
      message: expect.stringContaining('1 of 2 hunks cannot be placed'),
    });
  });

  it('fails when the context matches several places and no line number decides', () => {
    const file = 'a\nb\nc\n----\na\nb\nc\n';
    expect(applyUnifiedDiff(file, '@@ @@\n a\n-b\n+B\n c\n')).toMatchObject({
      ok: false,
      failedHunks: [{ index: 0, reason: 'its context matches several places in the file' }],
    });
    expect(applied(file, '@@ -5,3 +5,3 @@\n a\n-b\n+B\n c\n')).toBe('a\nb\nc\n----\na\nB\nc\n');
  });

  it('keeps a missing final newline, and adds or removes one when the diff says so', () => {
    expect(applied('a\nb', '@@ -1,2 +1,2 @@\n a\n-b\n+c\n')).toBe('a\nc');
    const keep =
      '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n';
    expect(applied('a\nb', keep)).toBe('a\nc');
    const add = '@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n';
    expect(applied('a\nb', add)).toBe('a\nb\n');
    const remove = '@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n';
    expect(applied('a\nb\n', remove)).toBe('a\nb');
  });

  it('keeps "\\r\\n" line ends in a file that has them, whatever the diff uses', () => {
    const file = 'one\r\ntwo\r\nthree\r\n';
    expect(applied(file, '@@ -1,3 +1,3 @@\r\n one\r\n-two\r\n+2\r\n three\r\n')).toBe(
      'one\r\n2\r\nthree\r\n',
    );
  });

  it('creates content in an empty file', () => {
    expect(applied('', '--- /dev/null\n+++ b/a.ts\n@@ -0,0 +1,2 @@\n+a\n+b\n')).toBe('a\nb\n');
  });

  it('refuses a diff for several files, and one with no hunk', () => {
    const two = '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n';
    expect(applyUnifiedDiff('a\n', two)).toMatchObject({ ok: false, failedHunks: [] });
    expect(applyUnifiedDiff('a\n', 'just words\n')).toMatchObject({
      ok: false,
      message: 'the diff has no hunks (no @@ line)',
    });
  });

  it('refuses a hunk that ends before its stated length', () => {
    const diff = '@@ -1,3 +1,3 @@\n line 1\n-line 2\nthis is not a diff line\n';
    expect(applyUnifiedDiff(original, diff)).toMatchObject({ ok: false });
  });

  it('turns any file into any other with the diffs jsdiff writes, even when moved down', () => {
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', '', '  d', 'e;'), { maxLength: 30 })
      .map((rows) => rows.join('\n'));
    fc.assert(
      fc.property(text, text, fc.boolean(), fc.nat(5), (before, after, newline, shift) => {
        const from = before + (newline ? '\n' : '');
        const to = after + (newline ? '\n' : '');
        const diff = createPatch('f', from, to);
        if (diff.includes('@@')) {
          expect(applied(from, diff)).toBe(to);
        }
        // Lines added at the top, unknown to the diff: the hunks are found below them.
        const header = Array.from({ length: shift }, (_, i) => `header ${i}\n`).join('');
        if (diff.includes('@@') && from !== '') {
          expect(applied(header + from, diff)).toBe(header + to);
        }
      }),
      { numRuns: 500 },
    );
  });
});
