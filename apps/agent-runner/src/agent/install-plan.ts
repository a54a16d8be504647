import { isPackageSpecProblem, parsePackageSpec } from '@forge/protocol';
import {
  fetchPackageVersions,
  fitPackage,
  installedVersions,
  type RegistryOptions,
} from './dependency-fit';

/** What a phase installs once its requested packages were fitted to the project. */
export interface InstallPlan {
  /** Exact specs to install (what package.json and the download record). */
  install: string[];
  /** For the user and the model: requests that were changed or left out, and why. */
  notes: string[];
}

/**
 * Maps each requested spec through fitPackage against the project's package.json: a version
 * whose peers accept what is installed (react-redux@8 beside React 19 becomes 9.x), exact, so
 * that the download installs with plain npm. A request no release can satisfy is left out with
 * a note; a registry that does not answer leaves the request as it is.
 */
export async function planInstall(
  requested: readonly string[],
  manifest: string | null,
  registry: RegistryOptions,
): Promise<InstallPlan> {
  const installed = installedVersions(manifest);
  const fitted = await Promise.all(
    requested.map(async (spec) => {
      const parsed = parsePackageSpec(spec);
      const versions = isPackageSpecProblem(parsed)
        ? undefined
        : await fetchPackageVersions(parsed.name, registry);
      return fitPackage(spec, installed, versions);
    }),
  );
  const plan: InstallPlan = { install: [], notes: [] };
  for (const fit of fitted) {
    if (!fit.ok) {
      plan.notes.push(`${fit.requested} was not installed: ${fit.problem}.`);
      continue;
    }
    if (!plan.install.includes(fit.install)) {
      plan.install.push(fit.install);
    }
    if (fit.note) {
      plan.notes.push(`${fit.note}.`);
    }
  }
  return plan;
}
