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
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Checks a path a project file is written to or read from. The rules are the same everywhere a
 * path arrives (an LLM answer, a REST URL, a sandbox write), so one function serves them all.
 * Returns null for an acceptable path, otherwise what is wrong with it.
 */
export function checkProjectPath(path: string): ProjectPathProblem | null {
  const problem = (code: ProjectPathProblemCode, message: string) => ({ code, message });
  if (path.length === 0) return problem('EMPTY', 'the path is empty');
  if (path.length > PROJECT_PATH_LIMITS.maxPathLength) {
    return problem(
      'TOO_LONG',
      `the path is ${path.length} characters long; the limit (maxPathLength) is ${PROJECT_PATH_LIMITS.maxPathLength}`,
    );
  }
  if (CONTROL_CHARACTERS.test(path)) {
    return problem('CONTROL_CHARACTER', 'the path contains a NUL or another control character');
  }
  if (path.includes('\\')) return problem('BACKSLASH', 'the path contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('~')) {
    return problem('ABSOLUTE', 'the path must be relative to the project root');
  }
  const segments = path.split('/');
  if (segments.length > PROJECT_PATH_LIMITS.maxDepth) {
    return problem(
      'TOO_DEEP',
      `the path has ${segments.length} segments; the limit (maxDepth) is ${PROJECT_PATH_LIMITS.maxDepth}`,
    );
  }
  for (const segment of segments) {
    if (segment === '..') return problem('PARENT_SEGMENT', 'the path must not contain ".."');
    if (segment === '' || segment === '.') {
      return problem(
        'NOT_NORMALISED',
        'the path must be normalised: no empty or "." segments, no leading or trailing slash',
      );
    }
    if (segment.length > PROJECT_PATH_LIMITS.maxSegmentLength) {
      return problem(
        'SEGMENT_TOO_LONG',
        `a path segment is ${segment.length} characters long; the limit (maxSegmentLength) is ${PROJECT_PATH_LIMITS.maxSegmentLength}`,
      );
    }
  }
  if (FORBIDDEN_TOP_FOLDERS.has(segments[0]!)) {
    return problem('FORBIDDEN_FOLDER', `files under ${segments[0]}/ cannot be written or read`);
  }
  return null;
}

/** True when checkProjectPath finds nothing wrong. */
export function isProjectPath(path: string): boolean {
  return checkProjectPath(path) === null;
}
