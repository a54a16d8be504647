import semver from 'semver';
import { isPackageSpecProblem, parsePackageSpec } from '@forge/protocol';

/** What the registry says of one package, as much as choosing a version needs. */
export interface PackageVersions {
  distTags: Record<string, string>;
  /**
   * Version → its peer dependencies. An optional peer counts too: npm refuses an installed one
   * outside the range just the same.
   */
  versions: Record<string, { peers: Record<string, string> }>;
}

/** What to install for one requested spec, and what to tell the model when it differs. */
export type FittedPackage =
  | { ok: true; requested: string; install: string; note?: string }
  | { ok: false; requested: string; problem: string };

/** Versions of the packages the project has, from its package.json (exact or lowest of a range). */
export function installedVersions(manifest: string | null): Map<string, string> {
  const versions = new Map<string, string>();
  if (!manifest) {
    return versions;
  }
  let parsed: { dependencies?: unknown; devDependencies?: unknown };
  try {
    parsed = JSON.parse(manifest) as typeof parsed;
  } catch {
    return versions;
  }
  for (const group of [parsed.devDependencies, parsed.dependencies]) {
    if (!group || typeof group !== 'object') {
      continue;
    }
    for (const [name, range] of Object.entries(group as Record<string, unknown>)) {
      if (typeof range !== 'string') {
        continue;
      }
      const lowest = semver.validRange(range) ? semver.minVersion(range) : null;
      if (lowest) {
        versions.set(name, lowest.version);
      }
    }
  }
  return versions;
}

/**
 * Chooses the version of a requested package whose peer dependencies accept what the project
 * has installed (React 19 above all): the newest in the requested range that fits; else the
 * newest release that fits, with a note saying why the request was changed; else a problem
 * for the model. A package the registry does not describe is installed as requested.
 */
export function fitPackage(
  spec: string,
  installed: ReadonlyMap<string, string>,
  registry: PackageVersions | undefined,
): FittedPackage {
  const parsed = parsePackageSpec(spec);
  if (isPackageSpecProblem(parsed)) {
    return { ok: false, requested: spec, problem: parsed.message };
  }
  if (!registry) {
    return { ok: true, requested: spec, install: spec };
  }
  const { name } = parsed;
  const wanted = parsed.version ?? 'latest';
  const tagged = registry.distTags[wanted];
  const range = tagged ?? (semver.validRange(wanted) ? wanted : null);
  if (range === null) {
    return { ok: false, requested: spec, problem: `${name} has no version or tag "${wanted}"` };
  }
  const releases = Object.keys(registry.versions)
    .filter((version) => semver.valid(version) && !semver.prerelease(version))
    .sort(semver.rcompare);
  const conflicts = (version: string) => peerConflicts(registry.versions[version]!, installed);
  const inRange = releases.filter((version) => semver.satisfies(version, range));
  const fitting = inRange.find((version) => conflicts(version).length === 0);
  if (fitting) {
    return { ok: true, requested: spec, install: `${name}@${fitting}` };
  }
  if (inRange.length === 0 && !tagged) {
    return { ok: false, requested: spec, problem: `no release of ${name} matches "${wanted}"` };
  }
  const why = conflicts(inRange[0] ?? releases[0]!).join(', ');
  const latest = registry.distTags.latest;
  const alternative = [...(latest && !semver.prerelease(latest) ? [latest] : []), ...releases].find(
    (version) => registry.versions[version] && conflicts(version).length === 0,
  );
  if (!alternative) {
    return {
      ok: false,
      requested: spec,
      problem: `no release of ${name} works with this project: ${why}`,
    };
  }
  return {
    ok: true,
    requested: spec,
    install: `${name}@${alternative}`,
    note: `${spec} needs ${why}; installed ${name}@${alternative} instead, which fits`,
  };
}

/** "react ^16.8 || ^17 || ^18 (installed 19.3.1)" for each installed peer outside its range. */
function peerConflicts(
  version: PackageVersions['versions'][string],
  installed: ReadonlyMap<string, string>,
): string[] {
  const conflicts: string[] = [];
  for (const [peer, range] of Object.entries(version.peers)) {
    const have = installed.get(peer);
    if (!have || !semver.validRange(range)) {
      continue;
    }
    if (!semver.satisfies(have, range, { includePrerelease: true })) {
      conflicts.push(`${peer} ${range} (installed ${have})`);
    }
  }
  return conflicts;
}

/** The parts of a registry packument that fitPackage reads, from its JSON. */
export function packageVersionsFrom(packument: unknown): PackageVersions | undefined {
  if (!packument || typeof packument !== 'object') {
    return undefined;
  }
  const { 'dist-tags': tags, versions } = packument as {
    'dist-tags'?: unknown;
    versions?: unknown;
  };
  if (!versions || typeof versions !== 'object') {
    return undefined;
  }
  const result: PackageVersions = { distTags: {}, versions: {} };
  for (const [tag, version] of Object.entries((tags ?? {}) as Record<string, unknown>)) {
    if (typeof version === 'string') {
      result.distTags[tag] = version;
    }
  }
  for (const [version, meta] of Object.entries(versions as Record<string, unknown>)) {
    const { peerDependencies } = (meta ?? {}) as { peerDependencies?: Record<string, unknown> };
    const peers: Record<string, string> = {};
    for (const [peer, range] of Object.entries(peerDependencies ?? {})) {
      if (typeof range === 'string') {
        peers[peer] = range;
      }
    }
    result.versions[version] = { peers };
  }
  return result;
}

export interface RegistryOptions {
  /** The npm registry's base URL (NPM_REGISTRY_URL). */
  url: string;
  /** Deadline of one lookup (NPM_REGISTRY_TIMEOUT_MS). */
  timeoutMs: number;
  /** Largest packument read (NPM_REGISTRY_MAX_BYTES); a larger one is not used. */
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * The registry's versions of a package, or undefined when it cannot say (unreachable, slow,
 * too large, unknown package): the install then goes ahead as requested and bun reports.
 */
export async function fetchPackageVersions(
  name: string,
  options: RegistryOptions,
): Promise<PackageVersions | undefined> {
  const url = new URL(
    name.replace('/', '%2f'),
    options.url.endsWith('/') ? options.url : `${options.url}/`,
  );
  const signals = [
    AbortSignal.timeout(options.timeoutMs),
    ...(options.signal ? [options.signal] : []),
  ];
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
      signal: AbortSignal.any(signals),
    });
    if (!response.ok || !response.body) {
      return undefined;
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > options.maxBytes) {
      await response.body.cancel();
      return undefined;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > options.maxBytes) {
        return undefined;
      }
      chunks.push(chunk);
    }
    return packageVersionsFrom(JSON.parse(Buffer.concat(chunks).toString('utf8')));
  } catch (error) {
    if (options.signal?.aborted) {
      throw error;
    }
    return undefined;
  }
}
