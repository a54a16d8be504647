import { isPackageSpecProblem, PACKAGE_SPEC_LIMITS, parsePackageSpec } from '@forge/protocol';
import type { InstallResult } from '../sandbox';
import { SandboxError } from '../docker/sandbox-error';
import { lastLines, runCommand, type RunCommandOptions } from './run-command';

/** Installer output lines returned in InstallResult.output. */
export const INSTALL_OUTPUT_LINES = 40;

export interface BunInstallOptions {
  cwd: string;
  bunPath: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
  onOutput?: (chunk: Buffer) => void;
  wrap?: RunCommandOptions['wrap'];
}

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
    if (isPackageSpecProblem(parsed)) throw new SandboxError('INVALID_PACKAGE', parsed.message);
  }
  return [...packages];
}

/** The bun arguments: `install` for package.json alone, `add <specs>` for new packages. */
export function bunInstallArgs(specs: readonly string[]): string[] {
  return specs.length === 0
    ? ['install', '--no-progress']
    : ['add', '--no-progress', '--', ...specs];
}

/**
 * Runs bun in a workspace with the specs as separate arguments (never a shell). A failed
 * install is a result with ok false; a cancelled one throws ABORTED.
 */
export async function bunInstall(
  packages: readonly string[],
  options: BunInstallOptions,
): Promise<InstallResult> {
  const specs = checkPackageSpecs(packages);
  const result = await runCommand(options.bunPath, bunInstallArgs(specs), options);
  if (result.aborted) throw new SandboxError('ABORTED', 'the install was cancelled');
  let output = lastLines(result.output, INSTALL_OUTPUT_LINES);
  if (result.timedOut) output += `\nstopped after ${options.timeoutMs} ms (installTimeoutMs)`;
  return {
    ok: result.exitCode === 0 && !result.timedOut,
    exitCode: result.exitCode,
    packages: specs,
    output,
  };
}
