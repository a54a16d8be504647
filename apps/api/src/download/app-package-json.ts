import { isPackageSpecProblem, parsePackageSpec } from '@forge/protocol';

/** Longest slug: the zip's name and the app's package name (npm allows 214 characters). */
export const SLUG_MAX_LENGTH = 64;
/** For a name with nothing usable in it, such as "!!!" or "プロジェクト". */
export const FALLBACK_SLUG = 'forge-app';

/**
 * The project's name as a file name and npm package name: ASCII letters and digits, lower case,
 * words joined by "-", accents dropped ("Café Menü!" → "cafe-menu").
 */
export function projectSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug || FALLBACK_SLUG;
}

/** The install specs of agent_states.phases, in phase order; anything else there is ignored. */
export function phaseDependencies(phases: readonly unknown[]): string[] {
  const specs: string[] = [];
  for (const phase of phases) {
    const dependencies: unknown =
      typeof phase === 'object' && phase !== null && 'dependencies' in phase
        ? phase.dependencies
        : undefined;
    if (!Array.isArray(dependencies)) {
      continue;
    }
    for (const spec of dependencies) {
      if (typeof spec === 'string') {
        specs.push(spec);
      }
    }
  }
  return specs;
}

interface PackageManifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The template's package.json for a download: named after the project, with the packages the
 * agent installed (`zustand@5` → "zustand": "5", `date-fns` → "latest"). A spec without a version
 * never replaces one already there, so a template package the LLM merely names again
 * ("react") keeps the pinned version the template was tested with.
 */
export function downloadPackageJson(
  templateJson: string,
  slug: string,
  specs: readonly string[],
): string {
  const manifest = JSON.parse(templateJson) as PackageManifest;
  // Maps, not objects: "constructor" is a valid package name.
  const dependencies = new Map(Object.entries(manifest.dependencies ?? {}));
  const devDependencies = new Map(Object.entries(manifest.devDependencies ?? {}));
  for (const spec of specs) {
    const parsed = parsePackageSpec(spec);
    // The runner refuses invalid specs before installing them; one here was never installed.
    if (isPackageSpecProblem(parsed)) {
      continue;
    }
    const target = devDependencies.has(parsed.name) ? devDependencies : dependencies;
    if (parsed.version !== undefined) {
      target.set(parsed.name, parsed.version);
    } else if (!target.has(parsed.name)) {
      target.set(parsed.name, 'latest');
    }
  }
  const result: PackageManifest = {
    ...manifest,
    name: slug,
    dependencies: sortedByName(dependencies),
  };
  if (manifest.devDependencies) {
    result.devDependencies = sortedByName(devDependencies);
  }
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** npm writes dependencies sorted by name; so do we. */
function sortedByName(versions: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
