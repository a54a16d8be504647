/** One path that matches a quick-open query, with the characters that matched (for bold). */
export interface PathMatch {
  readonly path: string;
  readonly score: number;
  /** Indexes into `path` of the matched characters, ascending. */
  readonly positions: readonly number[];
}

const SEPARATORS = new Set(['/', '.', '-', '_']);

/**
 * Matches `query` against `path` as a subsequence, ignoring case and spaces (as editors' quick
 * open does: "apptsx" finds src/App.tsx). Higher scores for matches in the file name, at the
 * start of a word and in runs; null when some character of the query is not found in order.
 */
export function matchPath(query: string, path: string): PathMatch | null {
  const wanted = query.toLowerCase().replace(/\s+/g, '');
  if (!wanted) {
    return { path, score: 0, positions: [] };
  }
  const lower = path.toLowerCase();
  const nameStart = path.lastIndexOf('/') + 1;
  const positions: number[] = [];
  // Greedy from the end, so the match prefers the file name over folder names.
  let at = lower.length - 1;
  for (let i = wanted.length - 1; i >= 0; i--) {
    while (at >= 0 && lower[at] !== wanted[i]) {
      at--;
    }
    if (at < 0) {
      return null;
    }
    positions.unshift(at);
    at--;
  }
  let score = 0;
  positions.forEach((position, index) => {
    score += 1;
    if (position >= nameStart) {
      score += 2;
    }
    if (position === 0 || SEPARATORS.has(path[position - 1]!)) {
      score += 3;
    }
    if (index > 0 && positions[index - 1] === position - 1) {
      score += 2;
    }
  });
  // Shorter paths first among equals.
  score -= path.length / 1000;
  return { path, score, positions };
}

/** The paths that match, best first, at most `limit`. */
export function searchPaths(query: string, paths: readonly string[], limit = 50): PathMatch[] {
  const matches: PathMatch[] = [];
  for (const path of paths) {
    const match = matchPath(query, path);
    if (match) {
      matches.push(match);
    }
  }
  matches.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return matches.slice(0, limit);
}
