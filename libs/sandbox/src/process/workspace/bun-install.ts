import type { InstallResult } from '../../core/sandbox';
import { bunInstallArgs, checkPackageSpecs, installResult } from '../../core/bun-install';
import { runCommand, type RunCommandOptions } from './run-command';

export interface BunInstallOptions {
  cwd: string;
  bunPath: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
  onOutput?: (chunk: Buffer) => void;
  wrap?: RunCommandOptions['wrap'];
}

/**
 * Runs bun in a workspace on this machine with the specs as separate arguments (never a shell).
 * A failed install is a result with ok false; a cancelled one throws ABORTED.
 */
export async function bunInstall(
  packages: readonly string[],
  options: BunInstallOptions,
): Promise<InstallResult> {
  const specs = checkPackageSpecs(packages);
  const result = await runCommand(options.bunPath, bunInstallArgs(specs), options);
  return installResult(specs, result, options.timeoutMs);
}
