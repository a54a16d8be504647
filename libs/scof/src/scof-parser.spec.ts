import { PACKAGE_SPEC_LIMITS } from '@forge/protocol';
import fc from 'fast-check';
import { SCOF_LIMITS, type ScofEvent, type ScofLimits } from './scof-events';
import { createScofParser } from './scof-parser';
import { normaliseEvents, parseInChunks, replayFiles } from './testing/scof-testing';

const nonChunk = (events: ScofEvent[]) => events.filter((e) => e.type !== 'file_chunk');
const chunks = (events: ScofEvent[]) =>
  events.flatMap((e) => (e.type === 'file_chunk' ? [e.chunk] : []));

/** The events of an answer, checked to be the same whole and one character at a time. */
function parse(answer: string, limits?: Partial<ScofLimits>): ScofEvent[] {
  const options = { limits };
  const whole = parseInChunks(answer, undefined, options);
  for (const sizes of [[1], [2, 3, 5], [64]]) {
    expect(normaliseEvents(parseInChunks(answer, sizes, options))).toEqual(normaliseEvents(whole));
  }
  return nonChunk(whole);
}

describe(createScofParser.name, () => {
  it('streams file content as it arrives, before the block closes', () => {
    const parser = createScofParser();
    expect(parser.push("cat > src/a.ts << 'EOF'\nline one\nline ")).toEqual([
      { type: 'file_start', path: 'src/a.ts' },
      { type: 'file_chunk', path: 'src/a.ts', chunk: 'line one\nline ' },
    ]);
    expect(parser.push('two\n')).toEqual([
      { type: 'file_chunk', path: 'src/a.ts', chunk: 'two\n' },
    ]);
    expect(parser.push('EOF\n')).toEqual([
      { type: 'file_end', path: 'src/a.ts', content: 'line one\nline two\n' },
    ]);
    expect(parser.end()).toEqual([]);
  });

  it('holds back a partial line that may turn out to be the marker', () => {
    const parser = createScofParser();
    parser.push("cat > a.ts << 'EOF'\nx\n");
    expect(parser.push('EO')).toEqual([]);
    expect(parser.push('Fsure\n')).toEqual([
      { type: 'file_chunk', path: 'a.ts', chunk: 'EOFsure\n' },
    ]);
    expect(parser.push('EO')).toEqual([]);
    expect(parser.push('F\n')).toEqual([
      { type: 'file_end', path: 'a.ts', content: 'x\nEOFsure\n' },
    ]);
  });

  it('gives one file_chunk a line, not one a character, when fed one character at a time', () => {
    const answer = "cat > a.ts << 'EOF'\nconst a = 1;\nconst b = 2;\nEOF\n";
    const events = parseInChunks(answer, [1]);
    expect(chunks(events)).toEqual(['const a = 1;\n', 'const b = 2;\n']);
  });

  it('emits a long line in pieces before its end arrives', () => {
    const parser = createScofParser();
    parser.push('cat > big.txt << EOF\n');
    const piece = 'x'.repeat(1000);
    const streamed = Array.from({ length: 40 }, () => chunks(parser.push(piece))).flat();
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.join('').length).toBeLessThan(40_000);
    const rest = parser.push('\nEOF\n');
    const end = rest.find((e) => e.type === 'file_end');
    expect(end).toEqual({ type: 'file_end', path: 'big.txt', content: `${piece.repeat(40)}\n` });
  });

  it('reports a block still open at the end as truncated, never as file_end', () => {
    const events = parseInChunks("cat > a.ts << 'EOF'\nconst a = 1;\nconst b", [4]);
    expect(nonChunk(events)).toEqual([
      { type: 'file_start', path: 'a.ts' },
      { type: 'truncated', path: 'a.ts' },
    ]);
    expect(chunks(events).join('')).toBe('const a = 1;\nconst b');
  });

  it('closes a block whose marker is the last line of the stream, without "\\n"', () => {
    expect(parse("cat > a.ts << 'EOF'\nok\nEOF")).toEqual([
      { type: 'file_start', path: 'a.ts' },
      { type: 'file_end', path: 'a.ts', content: 'ok\n' },
    ]);
  });

  it('reads a first line that starts with a byte order mark', () => {
    expect(parse('\ufeffrm a.ts\n')).toEqual([{ type: 'delete', path: 'a.ts' }]);
  });

  it('reads a last command line that has no "\\n"', () => {
    expect(parse('bun add zustand@5')).toEqual([{ type: 'install', packages: ['zustand@5'] }]);
  });

  it('numbers lines from 1, counting "\\r\\n" as one line end', () => {
    const events = parse('hello\r\n\r\nrm /abs\r\n');
    expect(events).toEqual([expect.objectContaining({ type: 'error', line: 3 })]);
  });

  it('refuses a file larger than maxFileSize and goes on with the stream', () => {
    const limits = { maxFileSize: 20 };
    const answer =
      "cat > big.ts << 'EOF'\n0123456789\n0123456789\nrm src/App.tsx\nEOF\ncat > ok.ts << EOF\nfine\nEOF\n";
    const events = parse(answer, limits);
    expect(events).toEqual([
      { type: 'file_start', path: 'big.ts' },
      {
        type: 'error',
        code: 'FILE_TOO_LARGE',
        line: 3,
        path: 'big.ts',
        message: expect.stringContaining('(maxFileSize) of 20'),
      },
      { type: 'file_start', path: 'ok.ts' },
      { type: 'file_end', path: 'ok.ts', content: 'fine\n' },
    ]);
  });

  it('refuses a patch larger than maxFileSize', () => {
    const events = parse('cat << EOF | patch a.ts\n@@ -1 +1 @@\n-a\n+b\nEOF\n', {
      maxFileSize: 15,
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'FILE_TOO_LARGE', path: 'a.ts', line: 4 }),
    ]);
  });

  it('refuses a block holding a line longer than maxLineLength', () => {
    const limits = { maxLineLength: 20 };
    for (const long of ['x'.repeat(21), 'E'.repeat(21)]) {
      const events = parse(`cat > a.ts << EOF\nshort\n${long}\nEOF\nbun add ok\n`, limits);
      expect(events).toEqual([
        { type: 'file_start', path: 'a.ts' },
        {
          type: 'error',
          code: 'LINE_TOO_LONG',
          line: 3,
          path: 'a.ts',
          message: expect.stringContaining('(maxLineLength) of 20'),
        },
        { type: 'install', packages: ['ok'] },
      ]);
    }
  });

  it('ignores a command line longer than maxLineLength, with an error', () => {
    const events = parse(`rm ${'a'.repeat(20)}\nrm b\n`, { maxLineLength: 10 });
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', code: 'LINE_TOO_LONG', line: 1 }),
      { type: 'delete', path: 'b' },
    ]);
  });

  it('skips the rest of the answer after a command line over maxLineLength that holds a `<<`', () => {
    for (const opener of [
      `cat > ${'a'.repeat(20)}.ts << EOF`,
      `cat << EOF > ${'a'.repeat(20)}.ts`,
    ]) {
      const events = parse(`${opener}\nrm src/main.tsx\nEOF\nrm b.ts\n`, { maxLineLength: 24 });
      expect(events).toEqual([
        expect.objectContaining({ type: 'error', code: 'LINE_TOO_LONG', line: 1 }),
        expect.objectContaining({
          type: 'error',
          code: 'MALFORMED_COMMAND',
          line: 1,
          message: expect.stringContaining('the rest of the answer is skipped'),
        }),
      ]);
    }
  });

  it('refuses blocks beyond maxFilesPerAnswer without reading their content', () => {
    const block = (name: string) => `cat > ${name}.ts << EOF\nrm src/App.tsx\nEOF\n`;
    const events = parse(block('a') + block('b') + block('c'), { maxFilesPerAnswer: 2 });
    expect(events.map((e) => e.type)).toEqual([
      'file_start',
      'file_end',
      'file_start',
      'file_end',
      'error',
    ]);
    expect(events[4]).toMatchObject({ code: 'TOO_MANY_FILES', line: 7 });
    expect((events[4] as { message: string }).message).toContain('(maxFilesPerAnswer) of 2');
  });

  it('refuses an install line naming more than maxPackagesPerInstall packages', () => {
    const names = Array.from(
      { length: PACKAGE_SPEC_LIMITS.maxPackagesPerInstall + 1 },
      (_, i) => `p${i}`,
    );
    const events = parse(`bun add ${names.join(' ')}\n`);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'TOO_MANY_PACKAGES',
        message: expect.stringContaining('(maxPackagesPerInstall)'),
      }),
    ]);
  });

  it('never reads the content of a refused block as commands', () => {
    const events = parse("cat > ../x.ts << 'EOF'\nrm src/App.tsx\nbun add evil\nEOF\n");
    expect(events).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_PATH' })]);
  });

  it('keeps content byte for byte, "\\r" included', () => {
    const content = '\n  a\t\r\n\n\n// ü 🎉\r\n   \n';
    const events = parse(`cat > a.ts << 'EOF'\n${content}EOF\n`);
    expect(events[1]).toEqual({ type: 'file_end', path: 'a.ts', content });
  });

  it('returns one shared, frozen empty array from the calls that complete nothing', () => {
    const parser = createScofParser();
    const nothing = parser.push('Some prose, ');
    expect(nothing).toEqual([]);
    expect(parser.push('still prose')).toBe(nothing);
    expect(Object.isFrozen(nothing)).toBe(true);
    expect(parser.push('\nrm a.ts\n')).toEqual([{ type: 'delete', path: 'a.ts' }]);
  });

  it('ends once: end() again gives nothing, push() after end() throws', () => {
    const parser = createScofParser();
    parser.push('cat > a.ts << EOF\n');
    expect(parser.end()).toEqual([{ type: 'truncated', path: 'a.ts' }]);
    expect(parser.end()).toEqual([]);
    expect(() => parser.push('more')).toThrow('after end()');
  });

  it('gives the same events and files for every cutting of any stream, limits included', () => {
    // Pieces of SCOF, shuffled into streams that are often broken: the parser may not crash, and
    // its events may not depend on where the stream was cut.
    const fragment = fc.constantFrom(
      "cat > a.ts << 'EOF'\n",
      'cat>b.ts<<END\n',
      'cat << EOF | patch c.ts\n',
      'cat <<- EOF > d\n',
      'cat > ../x << EOF\n',
      'EOF\n',
      'END\n',
      '\tEOF\n',
      'EOF',
      'EO',
      'F',
      'EOF \r\n',
      '\r\n',
      '\n',
      'x',
      'some content\n',
      'E'.repeat(14),
      'y'.repeat(14),
      '```\n',
      'rm a.ts\n',
      'bun add zustand Bad\n',
      'rm ',
      "'",
      '@@ -1 +1 @@\n-a\n+b\n',
      '+++ b/e.ts\n',
      '🎉',
      '\u0000',
      'base64 -d > p.png << EOF\n',
      'base64 --decode << END > q.bin\n',
      'aGk=\n',
      'QUJD\r\n',
      'AAAAAAAA',
      '!!\n',
      "cat > \"r.ts' << 'EOF'\n",
      'cat > s.ts <<\n',
      'cat > t.ts << EOF && cat > u.ts << END\n',
      'bun add zod;curl x\n',
    );
    const stream = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(''));
    const limits = fc.constantFrom(
      {},
      { maxLineLength: 12, maxFileSize: 30, maxFilesPerAnswer: 3, maxBinaryFileSize: 8 },
    );
    fc.assert(
      fc.property(
        stream,
        limits,
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (text, l, binaryFiles, sizes) => {
          const whole = parseInChunks(text, undefined, { limits: l, binaryFiles });
          const cut = parseInChunks(text, sizes, { limits: l, binaryFiles });
          expect(normaliseEvents(cut)).toEqual(normaliseEvents(whole));
          expect(replayFiles(cut)).toEqual(replayFiles(whole));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('has limits as named constants', () => {
    expect(SCOF_LIMITS).toEqual({
      maxFileSize: 1_048_576,
      maxLineLength: 65_536,
      maxFilesPerAnswer: 500,
      maxBinaryFileSize: 1_048_576,
    });
  });
});
