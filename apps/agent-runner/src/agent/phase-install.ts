import { isPackageSpecProblem, parsePackageSpec } from '@forge/protocol';
import { type InstallResult, type Sandbox } from '@forge/sandbox';
import { installedVersions, type RegistryOptions } from './dependency-fit';
import { type InstallPlan, planInstall } from './install-plan';

/** One install of a phase's packages: what was asked, what was installed, and how it went. */
export interface PackageInstall {
  /** The specs asked for, as the design or the `bun add` line wrote them. */
  requested: string[];
  plan: InstallPlan;
  result: InstallResult;
  /**
   * Installed packages package.json named before (another version replaced one the running
   * dev server may have loaded: tailwindcss 4 by 3).
   */
  replaced: string[];
}

/**
 * Fits the requested packages to the project (planInstall) and installs them with the project's
 * dependencies (a plain install when none are requested).
 */
export async function installPackages(
  sandbox: Sandbox,
  requested: readonly string[],
  registry: RegistryOptions,
): Promise<PackageInstall> {
  const manifest = await sandbox.readFile('package.json');
  const plan: InstallPlan = requested.length
    ? await planInstall(requested, manifest, registry)
    : { install: [], notes: [] };
  const before = installedVersions(manifest);
  const result = await sandbox.install(plan.install, { signal: registry.signal });
  const replaced = plan.install.flatMap((spec) => {
    const parsed = parsePackageSpec(spec);
    return !isPackageSpecProblem(parsed) && before.has(parsed.name) ? [parsed.name] : [];
  });
  return { requested: [...requested], plan, result, replaced };
}

/**
 * The packages a phase's design names, installed while its code streams: a model takes
 * seconds to write the files that import them, and the install need not wait for the last.
 * The files go into the sandbox once it is over, so the dev server never looks for a package
 * before it is there (a failed resolution it would remember until restarted).
 */
export class EarlyInstall {
  /** Settles (never rejects) once the install is over, whatever came of it. */
  readonly settled: Promise<void>;
  private readonly outcome: Promise<PackageInstall | null>;

  constructor(
    readonly phase: number,
    sandbox: Sandbox,
    requested: readonly string[],
    registry: RegistryOptions,
  ) {
    // A failed or cancelled early install is left to the phase's install step to run again.
    this.outcome = installPackages(sandbox, requested, registry).catch(() => null);
    this.settled = this.outcome.then(() => undefined);
  }

  /** The install when it succeeded, else null (the install step then runs its own). */
  async result(): Promise<PackageInstall | null> {
    const install = await this.outcome;
    return install?.result.ok ? install : null;
  }
}
