import fc from 'fast-check';
import { diffFiles, doneMessage, usageSentence } from './request-summary';

describe(diffFiles.name, () => {
  it('tells added, changed and removed paths, each sorted', () => {
    const before = new Map([
      ['src/App.tsx', 'a'],
      ['src/old.ts', 'x'],
      ['index.html', 'h'],
    ]);
    const now = new Map([
      ['src/App.tsx', 'b'],
      ['index.html', 'h'],
      ['src/z.ts', 'z'],
      ['src/b.ts', 'b'],
    ]);
    expect(diffFiles(before, now)).toEqual({
      added: ['src/b.ts', 'src/z.ts'],
      changed: ['src/App.tsx'],
      removed: ['src/old.ts'],
    });
  });

  it('accounts for every path once, for any two file sets', () => {
    const files = fc.dictionary(
      fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      fc.constantFrom('1', '2'),
    );
    fc.assert(
      fc.property(files, files, (a, b) => {
        const before = new Map(Object.entries(a));
        const now = new Map(Object.entries(b));
        const { added, changed, removed } = diffFiles(before, now);
        const unchanged = [...now].filter(([path, text]) => before.get(path) === text);
        expect(added.length + changed.length + unchanged.length).toBe(now.size);
        expect(removed.every((path) => before.has(path) && !now.has(path))).toBe(true);
      }),
    );
  });
});

describe(doneMessage.name, () => {
  it('says what one small change did, not the whole project', () => {
    expect(doneMessage(1, { added: [], changed: ['src/App.tsx'], removed: [] })).toBe(
      'Done in 1 phase: changed src/App.tsx.',
    );
  });

  it('names three paths of a kind and counts the rest', () => {
    expect(
      doneMessage(2, {
        added: ['a', 'b', 'c', 'd', 'e'],
        changed: [],
        removed: ['x'],
      }),
    ).toBe('Done in 2 phases: added a, b, c and 2 more; removed x.');
    expect(doneMessage(1, { added: [], changed: [], removed: [] })).toBe(
      'Done in 1 phase: no file changed.',
    );
  });
});

describe(usageSentence.name, () => {
  it('gives tokens, and the cost when the provider said it', () => {
    expect(usageSentence({ tokens: 12345, costUsd: 0.04123, calls: 2 })).toBe(
      ' Used 12,345 tokens ($0.0412).',
    );
    expect(usageSentence({ tokens: 10, costUsd: null, calls: 1 })).toBe(' Used 10 tokens.');
    expect(usageSentence({ tokens: 0, costUsd: null, calls: 0 })).toBe('');
  });
});
