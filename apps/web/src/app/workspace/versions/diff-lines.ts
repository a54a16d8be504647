/** Lines of one file's diff drawn at most; a generated lock file or bundle can run to thousands. */
export const DIFF_LINES_MAX = 2_000;

export type DiffLineKind = 'added' | 'removed' | 'context' | 'hunk' | 'note';

export interface DiffLine {
  readonly kind: DiffLineKind;
  /** The line without its +, - or space marker (a hunk header or note as it is). */
  readonly text: string;
  /** Its number in the version before, for removed and context lines. */
  readonly oldNumber: number | null;
  /** Its number in this version, for added and context lines. */
  readonly newNumber: number | null;
}

export interface DiffView {
  readonly lines: readonly DiffLine[];
  /** Lines past DIFF_LINES_MAX, not drawn. */
  readonly hidden: number;
  readonly added: number;
  readonly removed: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;
/** Header lines a unified diff may start with; the panel names the file itself. */
const FILE_HEADER = /^(?:diff |index |--- |\+\+\+ |new file mode|deleted file mode|similarity )/;

/**
 * Reads a unified diff into lines to draw, numbered from the hunk headers. Everything is
 * counted; only the first `max` lines are kept.
 */
export function readUnifiedDiff(diff: string, max = DIFF_LINES_MAX): DiffView {
  const lines: DiffLine[] = [];
  let hidden = 0;
  let added = 0;
  let removed = 0;
  let oldNumber = 0;
  let newNumber = 0;
  let inHunk = false;
  const keep = (line: DiffLine) => {
    if (lines.length < max) {
      lines.push(line);
    } else {
      hidden++;
    }
  };
  const raw = diff.endsWith('\n') ? diff.slice(0, -1) : diff;
  for (const text of raw === '' ? [] : raw.split('\n')) {
    const hunk = HUNK_HEADER.exec(text);
    if (hunk) {
      inHunk = true;
      oldNumber = Number(hunk[1]);
      newNumber = Number(hunk[2]);
      keep({ kind: 'hunk', text, oldNumber: null, newNumber: null });
    } else if (!inHunk && FILE_HEADER.test(text)) {
      continue;
    } else if (!inHunk && text.startsWith('Binary files ')) {
      // A binary file is not diffed: the server says it changed, with its sizes.
      keep({ kind: 'note', text, oldNumber: null, newNumber: null });
    } else if (text.startsWith('+')) {
      added++;
      keep({ kind: 'added', text: text.slice(1), oldNumber: null, newNumber: newNumber++ });
    } else if (text.startsWith('-')) {
      removed++;
      keep({ kind: 'removed', text: text.slice(1), oldNumber: oldNumber++, newNumber: null });
    } else if (text.startsWith('\\')) {
      keep({ kind: 'note', text, oldNumber: null, newNumber: null });
    } else {
      keep({
        kind: 'context',
        text: text.startsWith(' ') ? text.slice(1) : text,
        oldNumber: oldNumber++,
        newNumber: newNumber++,
      });
    }
  }
  return { lines, hidden, added, removed };
}
