import { posix } from 'node:path';
import { type CheckProblem } from './app-checks';

/** The code a problem gets when an import names a project file in the wrong letter case. */
export const IMPORT_CASE_CODE = 'IMPORT_CASE_MISMATCH';

/** Endings Vite and TypeScript try for an import without one, in their order. */
const EXTENSIONS = ['', '.tsx', '.ts', '.jsx', '.js', '.mjs', '.mts', '.json', '.css', '.scss'];

/**
 * What each tool says of an import it cannot find: Vite's dev server (`Failed to resolve import
 * "x" from "src/App.tsx"`), Rolldown and Rollup in the build (`Could not resolve './x' in
 * src/App.tsx`, `… from "src/App.tsx"`), and tsc (`Cannot find module 'x'`, in the problem's file).
 */
const UNRESOLVED = [
  /failed to resolve import ["']([^"']+)["'] from ["']([^"']+)["']/i,
  /could not resolve ["']([^"']+)["'] (?:from|in) ["']?([^\s"']+?)["']?(?=[\s.]*$|\s)/im,
  /cannot find module ["']([^"']+)["']/i,
];

export interface CaseMismatch {
  importer: string;
  specifier: string;
  /** The project file the import meant, as it is spelt on disk. */
  file: string;
}

/**
 * The file a relative import meant when only the letter case differs (`./components/button`
 * for `src/components/Button.tsx`): Linux, where sandboxes run, tells them apart, macOS and
 * Windows, where the model's habits come from, do not. Null when it names no such file.
 */
export function caseMismatch(
  importer: string,
  specifier: string,
  files: readonly string[],
): CaseMismatch | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    return null;
  }
  const target = posix.normalize(posix.join(posix.dirname(importer), specifier));
  const exact = new Set(files);
  const byLowerCase = new Map(files.map((file) => [file.toLowerCase(), file]));
  const candidates = EXTENSIONS.flatMap((ending) => [
    `${target}${ending}`,
    ...(ending ? [`${target}/index${ending}`] : []),
  ]);
  if (candidates.some((candidate) => exact.has(candidate))) {
    return null;
  }
  for (const candidate of candidates) {
    const file = byLowerCase.get(candidate.toLowerCase());
    if (file !== undefined) {
      return { importer, specifier, file };
    }
  }
  return null;
}

/**
 * The problems with every unresolved import that is a letter-case slip said as exactly that,
 * naming the real file; other problems pass unchanged.
 */
export function explainImportCase(
  problems: CheckProblem[],
  files: readonly string[],
): CheckProblem[] {
  return problems.map((problem) => {
    const found = unresolvedImport(problem);
    const mismatch = found && caseMismatch(found.importer, found.specifier, files);
    if (!mismatch) {
      return problem;
    }
    const message = `${mismatch.importer} imports "${mismatch.specifier}", but the file is ${mismatch.file}: the letter case differs, and file names are case-sensitive here. Import "${relativeImport(mismatch)}".`;
    return {
      ...problem,
      key: `${problem.source}:${IMPORT_CASE_CODE}:${mismatch.importer}:${mismatch.specifier}`,
      text: `${mismatch.importer}${problem.line !== undefined ? `:${problem.line}:${problem.column ?? 1}` : ''} - ${message}`,
      path: mismatch.importer,
      code: IMPORT_CASE_CODE,
      message,
    };
  });
}

function unresolvedImport(problem: CheckProblem): { importer: string; specifier: string } | null {
  const text = `${problem.message}\n${problem.text}`;
  for (const pattern of UNRESOLVED) {
    const match = pattern.exec(text);
    if (!match) {
      continue;
    }
    const importer = match[2] ?? problem.path;
    return importer ? { importer: importer.replace(/^\.\//, ''), specifier: match[1]! } : null;
  }
  return null;
}

/** The import as it should read: the real file's path from the importer, its ending as typed. */
function relativeImport(mismatch: CaseMismatch): string {
  const typed = posix.normalize(posix.join(posix.dirname(mismatch.importer), mismatch.specifier));
  const real = mismatch.file.slice(0, typed.length);
  const tail = mismatch.file.slice(typed.length);
  // `./components/button` for `src/components/Button.tsx` keeps leaving the ending out.
  const meant = /^(\/index)?\.\w+$/.test(tail) || tail === '' ? real : mismatch.file;
  const relative = posix.relative(posix.dirname(mismatch.importer), meant);
  return relative.startsWith('.') ? relative : `./${relative}`;
}
