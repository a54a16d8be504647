import { parseUnifiedDiff, type DiffHunk } from './unified-diff';

/** How far (in lines, either way) from its stated line a hunk's context is looked for first. */
export const DIFF_NEAR_WINDOW = 200;

export interface FailedHunk {
  /** 0-based index of the hunk in the diff. */
  index: number;
  header: string;
  reason: string;
}

export type ApplyDiffResult =
  { ok: true; content: string } | { ok: false; failedHunks: FailedHunk[]; message: string };

type Compare = (fileLine: string, hunkLine: string) => boolean;

/**
 * Exact first, then ignoring trailing whitespace, then ignoring indentation too: LLMs often get
 * whitespace wrong in diffs. A looser comparison is only tried when the stricter finds nothing,
 * and a match must still be unique (or closest to the stated line).
 */
const COMPARISONS: Compare[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
];

/**
 * Applies a unified diff to a file. Hunks are placed by their context, not their line numbers
 * (which LLMs rarely get right): at the stated line (shifted by where the previous hunk was
 * found), else the nearest match within DIFF_NEAR_WINDOW lines, else the only match in the rest of
 * the file. A hunk that cannot be placed, or could go in several places, fails the whole diff:
 * the file is never half-patched. The file keeps its own line ends ("\r\n" included).
 */
export function applyUnifiedDiff(original: string, diff: string): ApplyDiffResult {
  const parsed = parseUnifiedDiff(diff);
  if (!parsed.ok) {
    return { ok: false, failedHunks: [], message: parsed.message };
  }
  if (parsed.hunks.length === 0) {
    return { ok: false, failedHunks: [], message: 'the diff has no hunks (no @@ line)' };
  }
  const raw = original === '' ? [] : original.split('\n');
  let finalNewline = original === '' || original.endsWith('\n');
  if (original.endsWith('\n')) {
    raw.pop();
  }
  const lines = raw.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const eol = raw.length > 0 && raw[0]!.endsWith('\r') ? '\r' : '';

  const placed: number[] = [];
  const failedHunks: FailedHunk[] = [];
  let from = 0; // hunks apply in order and may not overlap
  let shift = 0; // how far the previous hunk was from its stated line
  parsed.hunks.forEach((hunk, index) => {
    const found = placeHunk(lines, hunk, from, shift);
    if (typeof found === 'string') {
      failedHunks.push({ index, header: hunk.header, reason: found });
      placed.push(-1);
      return;
    }
    placed.push(found);
    if (hunk.oldStart !== undefined) {
      shift = found - statedIndex(hunk);
    }
    from = found + oldSide(hunk).length;
  });
  if (failedHunks.length > 0) {
    const list = failedHunks.map((f) => `#${f.index + 1} (${f.header}): ${f.reason}`).join('; ');
    const message = `${failedHunks.length} of ${parsed.hunks.length} hunks cannot be placed: ${list}`;
    return { ok: false, failedHunks, message };
  }

  const out: string[] = [];
  let cursor = 0;
  parsed.hunks.forEach((hunk, index) => {
    const at = placed[index]!;
    while (cursor < at) {
      out.push(raw[cursor++]!);
    }
    for (const line of hunk.lines) {
      if (line.kind === '+') {
        out.push(line.text + eol);
      } else if (line.kind === ' ') {
        out.push(raw[cursor++]!);
      } else {
        cursor++;
      }
    }
    if (cursor === raw.length) {
      finalNewline = endsWithNewline(hunk, finalNewline);
    }
  });
  while (cursor < raw.length) {
    out.push(raw[cursor++]!);
  }
  return { ok: true, content: out.join('\n') + (finalNewline && out.length > 0 ? '\n' : '') };
}

function placeHunk(lines: string[], hunk: DiffHunk, from: number, shift: number): number | string {
  const old = oldSide(hunk);
  const expected =
    hunk.oldStart === undefined ? undefined : clamp(statedIndex(hunk) + shift, from, lines.length);
  if (old.length === 0) {
    if (expected !== undefined) {
      return expected;
    }
    if (lines.length === 0) {
      return 0;
    }
    return 'it has no context lines and no line number to say where it goes';
  }
  for (const same of COMPARISONS) {
    const matchesAt = (at: number) =>
      at >= from &&
      at + old.length <= lines.length &&
      old.every((text, i) => same(lines[at + i]!, text));
    if (expected !== undefined) {
      if (matchesAt(expected)) {
        return expected;
      }
      for (let distance = 1; distance <= DIFF_NEAR_WINDOW; distance++) {
        const before = matchesAt(expected - distance);
        const after = matchesAt(expected + distance);
        if (before && after) {
          return `its context matches both ${distance} lines above and below line ${expected + 1}`;
        }
        if (before || after) {
          return before ? expected - distance : expected + distance;
        }
      }
    }
    const matches: number[] = [];
    for (let at = from; at + old.length <= lines.length && matches.length < 2; at++) {
      if (matchesAt(at)) {
        matches.push(at);
      }
    }
    if (matches.length === 1) {
      return matches[0]!;
    }
    if (matches.length > 1) {
      return 'its context matches several places in the file';
    }
  }
  return 'its context and removed lines are not in the file';
}

/** The 0-based line a hunk says it starts at (for a pure insertion, the line it goes before). */
function statedIndex(hunk: DiffHunk): number {
  return oldSide(hunk).length === 0 ? hunk.oldStart! : Math.max(hunk.oldStart! - 1, 0);
}

function oldSide(hunk: DiffHunk): string[] {
  return hunk.lines.filter((line) => line.kind !== '+').map((line) => line.text);
}

/** `\ No newline at end of file` after the last old or new line of a hunk at the file's end. */
function endsWithNewline(hunk: DiffHunk, current: boolean): boolean {
  const lastNew = hunk.lines.findLast((line) => line.kind !== '-');
  const lastOld = hunk.lines.findLast((line) => line.kind !== '+');
  if (lastNew?.noNewline) {
    return false;
  }
  if (lastOld?.noNewline) {
    return true;
  }
  return current;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
