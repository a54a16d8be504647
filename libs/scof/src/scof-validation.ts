import {
  checkProjectPath,
  isPackageSpecProblem,
  PACKAGE_SPEC_LIMITS,
  parsePackageSpec,
} from '@forge/protocol';
import { type ScofErrorCode } from './scof-events';

export interface InstallProblem {
  code: ScofErrorCode;
  message: string;
}

/**
 * Splits the arguments of an install line into the specs parsePackageSpec accepts (kept as
 * written) and one problem per refused argument. A line naming more packages than
 * maxPackagesPerInstall is refused as a whole: such a list is a runaway answer, not a plan.
 */
export function readInstall(specs: string[]): { packages: string[]; problems: InstallProblem[] } {
  const limit = PACKAGE_SPEC_LIMITS.maxPackagesPerInstall;
  if (specs.length > limit) {
    const message = `the install line names ${specs.length} packages; the limit (maxPackagesPerInstall) is ${limit}`;
    return { packages: [], problems: [{ code: 'TOO_MANY_PACKAGES', message }] };
  }
  const packages: string[] = [];
  const problems: InstallProblem[] = [];
  for (const spec of specs) {
    const parsed = parsePackageSpec(spec);
    if (isPackageSpecProblem(parsed)) {
      const message = `${JSON.stringify(spec)} is not installed (${parsed.code}): ${parsed.message}`;
      problems.push({ code: 'INVALID_PACKAGE', message });
    } else {
      packages.push(spec);
    }
  }
  return { packages, problems };
}

/**
 * The file a diff changes, from its `+++ b/path` header, for patch blocks whose command names
 * none (`cat << EOF | git apply`). The usual `a/` and `b/` prefixes are removed.
 */
export function diffTargetPath(diff: string): string | undefined {
  const header = diff.startsWith('+++ ') ? 0 : diff.indexOf('\n+++ ') + 1;
  if (header === 0 && !diff.startsWith('+++ ')) {
    return undefined;
  }
  let end = diff.indexOf('\n', header);
  if (end === -1) {
    end = diff.length;
  }
  let path = diff
    .slice(header + 4, end)
    .split('\t')[0]!
    .trim();
  if (path === '/dev/null' || path === '') {
    return undefined;
  }
  if (path.startsWith('b/') || path.startsWith('a/')) {
    path = path.slice(2);
  }
  return stripDotSlash(path);
}

/**
 * The file a patch block changes: the (already checked) path of its command, else the diff's
 * `+++` header, checked here. Returns the path, or why there is none.
 */
export function patchTarget(
  commandPath: string | undefined,
  diff: string,
): string | { reason: string } {
  if (commandPath !== undefined) {
    return commandPath;
  }
  const path = diffTargetPath(diff);
  if (path === undefined) {
    return { reason: 'it names no file; write `cat << MARKER | patch path/to/file`' };
  }
  const problem = checkProjectPath(path);
  if (problem === null) {
    return path;
  }
  return {
    reason: `its +++ header names ${JSON.stringify(path)}, which is refused (${problem.code}): ${problem.message}`,
  };
}

/** `./src/a.ts` is how many LLMs write `src/a.ts`; any other odd form is left to the path check. */
export function stripDotSlash(path: string): string {
  while (path.startsWith('./')) {
    path = path.slice(2);
  }
  return path;
}
