import fc from 'fast-check';
import { type ScofEvent, type ScofLimits } from './scof-events';
import { createScofParser } from './scof-parser';
import { normaliseEvents, parseInChunks } from './testing/scof-testing';

/** The events but file_chunk, checked to be the same for several cuttings of the answer. */
function parse(answer: string, limits?: Partial<ScofLimits>, binaryFiles = false): ScofEvent[] {
  const options = { limits, binaryFiles };
  const whole = parseInChunks(answer, undefined, options);
  for (const sizes of [[1], [2, 3, 5], [64]]) {
    expect(normaliseEvents(parseInChunks(answer, sizes, options))).toEqual(normaliseEvents(whole));
  }
  return whole.filter((e) => e.type !== 'file_chunk');
}

/** Base64 of the bytes in lines of `width` characters, as `base64 -w width` writes it. */
function wrapBase64(bytes: Uint8Array, width: number): string {
  const text = Buffer.from(bytes).toString('base64');
  let lines = '';
  for (let i = 0; i < text.length; i += width) {
    lines += text.slice(i, i + width) + '\n';
  }
  return lines;
}

describe(createScofParser.name, () => {
  describe('binary blocks (binaryFiles on)', () => {
    const png = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0]);
    const base64 = Buffer.from(png).toString('base64');

    it('reads `base64 -d > path << EOF` as a file with its bytes in base64', () => {
      const answer = `base64 -d > public/logo.png << 'EOF'\n${wrapBase64(png, 8)}EOF\nrm a.ts\n`;
      expect(parse(answer, undefined, true)).toEqual([
        { type: 'file_start', path: 'public/logo.png', encoding: 'base64' },
        { type: 'file_end', path: 'public/logo.png', content: base64, encoding: 'base64' },
        { type: 'delete', path: 'a.ts' },
      ]);
    });

    it('reads the other forms: --decode, -D, the marker first, <<-, CRLF and blank lines', () => {
      const expected = [
        { type: 'file_start', path: 'a.bin', encoding: 'base64' },
        { type: 'file_end', path: 'a.bin', content: base64, encoding: 'base64' },
      ];
      const half = base64.length / 2;
      const [one, two] = [base64.slice(0, half), base64.slice(half)];
      for (const answer of [
        `base64 --decode > a.bin << EOF\n${one}\n${two}\nEOF\n`,
        `base64 -D << 'END' > ./a.bin\n${base64}\nEND\n`,
        `base64 -d > a.bin <<- EOF\n\t${one}\n\t${two}\n\tEOF\n`,
        `base64 -d > a.bin << EOF\r\n${one}\r\n\r\n${two}  \r\nEOF\r\n`,
      ]) {
        expect(parse(answer, undefined, true)).toEqual(expected);
      }
    });

    it('gives the bytes written, for any bytes, line width and cutting of the stream', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 1, max: 100 }),
          fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }),
          (bytes, width, sizes) => {
            const answer = `base64 -d > b.bin << 'EOF'\n${wrapBase64(bytes, width)}EOF\n`;
            const events = parseInChunks(answer, sizes, { binaryFiles: true });
            const end = events.find((e) => e.type === 'file_end');
            expect(end).toMatchObject({ path: 'b.bin', encoding: 'base64' });
            const decoded = Buffer.from((end as { content: string }).content, 'base64');
            expect(decoded.equals(Buffer.from(bytes))).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('skips a binary block as unsupported unless binaryFiles is on', () => {
      const answer = `base64 -d > logo.png << EOF\n${base64}\nrm src/main.tsx\nEOF\nrm a.ts\n`;
      expect(parse(answer)).toEqual([
        expect.objectContaining({ type: 'error', code: 'UNSUPPORTED_COMMAND', line: 1 }),
        { type: 'delete', path: 'a.ts' },
      ]);
    });

    it('refuses a binary file larger than maxBinaryFileSize, counted in decoded bytes', () => {
      // 12 base64 characters are 9 bytes: over maxFileSize (characters), not over 9 bytes.
      const block = (name: string, text: string) =>
        `base64 -d > ${name} << EOF\nAAAA\n${text}\nEOF\n`;
      const limits = { maxBinaryFileSize: 9, maxFileSize: 4 };
      expect(parse(block('ok.bin', 'AAAAAAAA'), limits, true)).toEqual([
        { type: 'file_start', path: 'ok.bin', encoding: 'base64' },
        { type: 'file_end', path: 'ok.bin', content: 'A'.repeat(12), encoding: 'base64' },
      ]);
      expect(parse(block('big.bin', 'AAAAAAAAAA=='), limits, true)).toEqual([
        { type: 'file_start', path: 'big.bin', encoding: 'base64' },
        {
          type: 'error',
          code: 'FILE_TOO_LARGE',
          line: 3,
          path: 'big.bin',
          message: expect.stringContaining('(maxBinaryFileSize) of 9 bytes'),
        },
      ]);
    });

    it.each([
      ['a character outside base64', 'aGk!\nrm a.ts', 2, '"!"'],
      ['base64url', 'a-_k', 2, '"-"'],
      ['a space inside a line', 'aG k', 2, '" "'],
      ['content after the padding', 'aGk=\naGk=', 3, 'follows the padding'],
      ['three "="', 'aG==\n=', 3, '"="'],
      ['a length that is not a multiple of 4', 'aGk', 3, 'not a multiple of 4'],
    ])('refuses %s with INVALID_BASE64 and skips to the marker', (_what, text, line, named) => {
      const events = parse(`base64 -d > x.png << EOF\n${text}\nEOF\nrm b.ts\n`, {}, true);
      expect(events).toEqual([
        { type: 'file_start', path: 'x.png', encoding: 'base64' },
        expect.objectContaining({ type: 'error', code: 'INVALID_BASE64', line, path: 'x.png' }),
        { type: 'delete', path: 'b.ts' },
      ]);
      expect((events[1] as { message: string }).message).toContain(named);
    });

    it('takes padding wrapped onto lines of its own, as `base64 -w 1` writes it', () => {
      expect(parse('base64 -d > x.bin << EOF\nA\nA\n=\n=\nEOF\n', {}, true)).toContainEqual({
        type: 'file_end',
        path: 'x.bin',
        content: 'AA==',
        encoding: 'base64',
      });
    });

    it('reports a binary block still open at the end as truncated', () => {
      expect(parse('base64 -d > x.png << EOF\naGVs\naG', {}, true)).toEqual([
        { type: 'file_start', path: 'x.png', encoding: 'base64' },
        { type: 'truncated', path: 'x.png' },
      ]);
    });

    it('holds binary blocks to maxLineLength, maxFilesPerAnswer and the path check', () => {
      expect(
        parse(`base64 -d > x.png << EOF\n${'A'.repeat(32)}\nEOF\n`, { maxLineLength: 30 }, true),
      ).toEqual([
        { type: 'file_start', path: 'x.png', encoding: 'base64' },
        expect.objectContaining({ type: 'error', code: 'LINE_TOO_LONG', path: 'x.png' }),
      ]);
      const two = 'base64 -d > a.png << EOF\nAAAA\nEOF\nbase64 -d > b.png << EOF\nrm c\nEOF\n';
      expect(parse(two, { maxFilesPerAnswer: 1 }, true).map((e) => e.type)).toEqual([
        'file_start',
        'file_end',
        'error',
      ]);
      expect(parse('base64 -d > ../x.png << EOF\nrm c\nEOF\n', {}, true)).toEqual([
        expect.objectContaining({ type: 'error', code: 'INVALID_PATH' }),
      ]);
    });
  });
});
