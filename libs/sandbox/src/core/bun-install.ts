import { isPackageSpecProblem, PACKAGE_SPEC_LIMITS, parsePackageSpec } from '@forge/protocol';
import { lastLines } from './output-lines';
import type { InstallResult } from './sandbox';
import { SandboxError } from './sandbox-error';

/** Installer output lines returned in InstallResult.output. */
export const INSTALL_OUTPUT_LINES = 40;

/** Checks install arguments with parsePackageSpec; throws INVALID_PACKAGE on the first bad one. */
export function checkPackageSpecs(packages: readonly string[]): string[] {
  if (packages.length > PACKAGE_SPEC_LIMITS.maxPackagesPerInstall) {
    throw new SandboxError(
      'INVALID_PACKAGE',
      `${packages.length} packages in one install; the limit (maxPackagesPerInstall) is ${PACKAGE_SPEC_LIMITS.maxPackagesPerInstall}`,
    );
  }
  for (const spec of packages) {
    const parsed = parsePackageSpec(spec);
    if (isPackageSpecProblem(parsed)) {
      throw new SandboxError('INVALID_PACKAGE', parsed.message);
    }
  }
  return [...packages];
}

/** The bun arguments: `install` for package.json alone, `add <specs>` for new packages. */
export function bunInstallArgs(specs: readonly string[]): string[] {
  return specs.length === 0
    ? ['install', '--no-progress']
    : ['add', '--no-progress', '--', ...specs];
}

/** How a bun run ended, wherever it ran (the host, a container). */
export interface BunRun {
  exitCode: number | null;
  aborted: boolean;
  timedOut: boolean;
  /** stdout and stderr, as much of their end as was kept. */
  output: string;
}

/** The result of a finished install: a failed one has ok false; a cancelled one throws ABORTED. */
export function installResult(specs: string[], run: BunRun, timeoutMs: number): InstallResult {
  if (run.aborted) {
    throw new SandboxError('ABORTED', 'the install was cancelled');
  }
  let output = lastLines(run.output, INSTALL_OUTPUT_LINES);
  if (run.timedOut) {
    output += `\nstopped after ${timeoutMs} ms (installTimeoutMs)`;
  }
  return {
    ok: run.exitCode === 0 && !run.timedOut,
    exitCode: run.exitCode,
    packages: specs,
    output,
  };
}
