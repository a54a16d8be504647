import fc from 'fast-check';
import { matchPath, searchPaths } from './fuzzy-path';

const PATHS = [
  'index.html',
  'package.json',
  'src/App.tsx',
  'src/main.tsx',
  'src/components/AppHeader.tsx',
  'src/hooks/useTodos.ts',
  'vite.config.ts',
];

describe(searchPaths.name, () => {
  it('finds a file by loose letters of its path, best match first', () => {
    expect(searchPaths('apptsx', PATHS).map((match) => match.path)).toEqual([
      'src/App.tsx',
      'src/components/AppHeader.tsx',
    ]);
    expect(searchPaths('VITE', PATHS).map((match) => match.path)).toEqual(['vite.config.ts']);
    expect(searchPaths('hooks todo', PATHS).map((match) => match.path)).toEqual([
      'src/hooks/useTodos.ts',
    ]);
    expect(searchPaths('xyz', PATHS)).toEqual([]);
  });

  it('lists every path, by name, for an empty query, within the limit', () => {
    expect(searchPaths('', PATHS, 3)).toHaveLength(3);
    expect(searchPaths('  ', PATHS).map((match) => match.path)).toEqual(
      [...PATHS].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('matches exactly when the query is a subsequence of the path, at the positions it says', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 6 }), (path, query) => {
        const match = matchPath(query, path);
        const wanted = query.toLowerCase().replace(/\s+/g, '');
        if (match === null) {
          // Not a subsequence: no way to pick the letters in order.
          let at = 0;
          for (const char of path.toLowerCase()) {
            if (char === wanted[at]) {
              at++;
            }
          }
          expect(at).toBeLessThan(wanted.length);
          return;
        }
        expect(match.positions.map((i) => path[i]!.toLowerCase()).join('')).toBe(wanted);
        expect([...match.positions].sort((a, b) => a - b)).toEqual(match.positions);
        expect(new Set(match.positions).size).toBe(match.positions.length);
      }),
    );
  });
});
