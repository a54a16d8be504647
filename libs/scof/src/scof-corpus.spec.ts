import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { createScofParser } from './scof-parser';
import {
  CORPUS_OPTIONS,
  loadCorpus,
  normaliseEvents,
  parseInChunks,
  renderEvents,
  replayFiles,
} from './testing/scof-testing';

const corpus = loadCorpus();
// `UPDATE_SCOF_CORPUS=1 npx jest libs/scof` rewrites the .expected files (then read the diff).
const updating = process.env['UPDATE_SCOF_CORPUS'] === '1';

describe(createScofParser.name, () => {
  describe('corpus of LLM answers', () => {
    it('holds at least 30 answers, each with its expected events', () => {
      expect(corpus.length).toBeGreaterThanOrEqual(30);
      for (const { expectedPath } of corpus) {
        expect(existsSync(expectedPath) || updating).toBe(true);
      }
    });

    it.each(corpus.map((c) => [c.name, c] as const))('reads %s as expected', (_name, c) => {
      const rendered = renderEvents(parseInChunks(c.answer, undefined, CORPUS_OPTIONS));
      if (updating) {
        writeFileSync(c.expectedPath, rendered);
      }
      expect(rendered).toBe(readFileSync(c.expectedPath, 'utf8'));
    });

    it.each(corpus.map((c) => [c.name, c] as const))(
      'reads %s the same one character at a time',
      (_name, c) => {
        const whole = parseInChunks(c.answer, undefined, CORPUS_OPTIONS);
        const byChar = parseInChunks(c.answer, [1], CORPUS_OPTIONS);
        expect(normaliseEvents(byChar)).toEqual(normaliseEvents(whole));
        expect(replayFiles(byChar)).toEqual(replayFiles(whole));
      },
    );

    it('gives the same events and files for every cutting of every answer', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...corpus),
          fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 40 }),
          (c, sizes) => {
            const whole = parseInChunks(c.answer, undefined, CORPUS_OPTIONS);
            const cut = parseInChunks(c.answer, sizes, CORPUS_OPTIONS);
            expect(normaliseEvents(cut)).toEqual(normaliseEvents(whole));
            expect(replayFiles(cut)).toEqual(replayFiles(whole));
          },
        ),
        { numRuns: 400 },
      );
    });
  });
});
