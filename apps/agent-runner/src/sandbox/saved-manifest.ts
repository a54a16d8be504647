/** dependencies and devDependencies of a package.json, as one canonical string; null if unreadable. */
function dependencyKey(manifest: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(manifest);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return null;
  }
  const record = parsed as Record<string, unknown>;
  const entries: string[] = [];
  for (const field of ['dependencies', 'devDependencies']) {
    const value = record[field];
    if (typeof value === 'object' && value !== null) {
      for (const [name, range] of Object.entries(value)) {
        entries.push(`${field} ${name} ${String(range)}`);
      }
    }
  }
  return entries.sort().join('\n');
}

/**
 * Whether a project's saved package.json asks for packages other than the starter template's,
 * which a new sandbox comes with: an imported app, or one whose agent added packages. A
 * manifest that cannot be read asks for nothing here (the install would fail on it too).
 */
export function needsInstall(saved: string | undefined, template: string | undefined): boolean {
  if (saved === undefined) {
    return false;
  }
  const key = dependencyKey(saved);
  return key !== null && key !== (template === undefined ? null : dependencyKey(template));
}
