/** Limits on the package names an LLM may ask to install. */
export const PACKAGE_SPEC_LIMITS = {
  /** npm's own limit on a package name, in characters. */
  maxNameLength: 214,
  /** Longest accepted version or range after the "@", in characters. */
  maxVersionLength: 64,
  /** Most packages accepted in one install line. */
  maxPackagesPerInstall: 30,
} as const;

export interface PackageSpec {
  name: string;
  /** The version or range after "@", or undefined for "latest". */
  version?: string;
}

export type PackageSpecProblemCode = 'INVALID_NAME' | 'INVALID_VERSION' | 'TOO_LONG';

export interface PackageSpecProblem {
  code: PackageSpecProblemCode;
  message: string;
}

// npm's rules for new package names: lower case, URL-safe, no leading dot or underscore.
const NAME_PART = /^[a-z0-9][a-z0-9._~-]*$/;
// A version, a range or a dist-tag: no spaces, quotes, shell characters or URLs.
const VERSION = /^[0-9A-Za-z.^~<>=*|x+-]+$/;

/**
 * Parses one install argument such as `zustand`, `zustand@5`, `@tanstack/react-query@^5.0.0`.
 * Specs are later passed as argv entries, never through a shell, but they are still held to
 * npm's name rules so that no URL, path, git remote or option (`--foo`) reaches the installer.
 */
export function parsePackageSpec(spec: string): PackageSpec | PackageSpecProblem {
  const invalid = (message: string): PackageSpecProblem => ({ code: 'INVALID_NAME', message });
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const version = at === -1 ? undefined : spec.slice(at + 1);
  if (name.length > PACKAGE_SPEC_LIMITS.maxNameLength) {
    return {
      code: 'TOO_LONG',
      message: `package name is ${name.length} characters long; the limit (maxNameLength) is ${PACKAGE_SPEC_LIMITS.maxNameLength}`,
    };
  }
  if (name.startsWith('@')) {
    const parts = name.slice(1).split('/');
    if (parts.length !== 2 || !parts.every((part) => NAME_PART.test(part))) {
      return invalid(`"${spec}" is not a valid scoped npm package name`);
    }
  } else if (!NAME_PART.test(name)) {
    return invalid(`"${spec}" is not a valid npm package name`);
  }
  if (name === 'node_modules' || name === 'favicon.ico') {
    return invalid(`"${name}" is a name npm refuses`);
  }
  if (version !== undefined) {
    if (version.length === 0 || !VERSION.test(version)) {
      return { code: 'INVALID_VERSION', message: `"${spec}" has an invalid version or range` };
    }
    if (version.length > PACKAGE_SPEC_LIMITS.maxVersionLength) {
      return {
        code: 'TOO_LONG',
        message: `the version in "${spec}" is longer than the limit (maxVersionLength) of ${PACKAGE_SPEC_LIMITS.maxVersionLength}`,
      };
    }
  }
  return version === undefined ? { name } : { name, version };
}

export function isPackageSpecProblem(
  value: PackageSpec | PackageSpecProblem,
): value is PackageSpecProblem {
  return 'code' in value;
}
