export interface HunkLine {
  /** ' ' context, '-' removed, '+' added. */
  kind: ' ' | '-' | '+';
  text: string;
  /** Followed by `\ No newline at end of file`. */
  noNewline: boolean;
}

export interface DiffHunk {
  /** The `@@ … @@` line, as written, for error reports. */
  header: string;
  /** From the header; undefined when the LLM left the numbers out (`@@ @@`). */
  oldStart: number | undefined;
  oldCount: number | undefined;
  lines: HunkLine[];
}

export type ParsedDiff = { ok: true; hunks: DiffHunk[] } | { ok: false; message: string };

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Reads the hunks of a unified diff written for one file, as LLMs write them: the header counts
 * are often wrong, so a hunk runs as long as its lines look like diff lines (a bare empty line is
 * an empty context line); the numbers only serve as hints. "\r" before "\n" is dropped, since it
 * belongs to how the diff travelled, not to the file (the file's own line ends are kept).
 */
export function parseUnifiedDiff(diff: string): ParsedDiff {
  const rows = diff.split('\n');
  if (rows[rows.length - 1] === '') {
    rows.pop();
  }
  const hunks: DiffHunk[] = [];
  const bare = new WeakSet<HunkLine>();
  let hunk: DiffHunk | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.endsWith('\r') ? rows[i]!.slice(0, -1) : rows[i]!;
    if (row.startsWith('@@')) {
      const numbers = HUNK_HEADER.exec(row);
      hunk = {
        header: row,
        oldStart: numbers ? Number(numbers[1]) : undefined,
        oldCount: numbers ? (numbers[2] === undefined ? 1 : Number(numbers[2])) : undefined,
        lines: [],
      };
      hunks.push(hunk);
      continue;
    }
    if (hunk === undefined) {
      continue;
    } // `diff --git`, `index`, `---`, `+++` and other headers
    if (row.startsWith('--- ') && rows[i + 1]?.startsWith('+++ ')) {
      return {
        ok: false,
        message: 'the diff changes more than one file; send one per patch block',
      };
    }
    const kind = row.charAt(0);
    if (kind === ' ' || kind === '-' || kind === '+') {
      hunk.lines.push({ kind, text: row.slice(1), noNewline: false });
    } else if (row === '') {
      const line: HunkLine = { kind: ' ', text: '', noNewline: false };
      bare.add(line);
      hunk.lines.push(line);
    } else if (kind === '\\') {
      const last = hunk.lines[hunk.lines.length - 1];
      if (last !== undefined) {
        last.noNewline = true;
      }
    } else {
      if (hunk.oldCount !== undefined && oldLength(hunk) < hunk.oldCount) {
        return {
          ok: false,
          message: `the hunk "${hunk.header}" ends early, at diff line ${i + 1}`,
        };
      }
      hunk = undefined; // trailing text after a hunk
    }
  }
  for (const each of hunks) {
    trimTrailingBlanks(each, bare);
  }
  return { ok: true, hunks };
}

/**
 * Bare empty lines (no leading space) at a hunk's end, beyond its stated count or when it states
 * none, are blank lines after the diff, not context.
 */
function trimTrailingBlanks(hunk: DiffHunk, bare: WeakSet<HunkLine>): void {
  while (hunk.lines.length > 0 && bare.has(hunk.lines[hunk.lines.length - 1]!)) {
    if (hunk.oldCount !== undefined && oldLength(hunk) <= hunk.oldCount) {
      return;
    }
    hunk.lines.pop();
  }
}

function oldLength(hunk: DiffHunk): number {
  let n = 0;
  for (const line of hunk.lines) {
    if (line.kind !== '+') {
      n++;
    }
  }
  return n;
}
