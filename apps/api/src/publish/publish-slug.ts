/** Shortest and longest address name: one DNS label, and long enough not to be guessed at. */
export const SLUG_MIN_LENGTH = 3;
export const SLUG_MAX_LENGTH = 63;

/**
 * Names that would pass for Forge itself or for common services on a shared domain; an app
 * published there could be taken for them.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'www',
  'api',
  'app',
  'apps',
  'admin',
  'administrator',
  'auth',
  'login',
  'signin',
  'sign-in',
  'signup',
  'sign-up',
  'account',
  'accounts',
  'dashboard',
  'forge',
  'preview',
  'previews',
  'static',
  'assets',
  'cdn',
  'mail',
  'email',
  'smtp',
  'imap',
  'ftp',
  'ns1',
  'ns2',
  'dns',
  'localhost',
  'status',
  'support',
  'help',
  'docs',
  'blog',
  'security',
  'root',
  'system',
  'internal',
  'git',
  'share',
  'shared',
]);

export type SlugCheck =
  { ok: true; slug: string } | { ok: false; reserved: boolean; reason: string };

/**
 * Whether `raw` may name a published app: lower-case letters, digits and single hyphens, a
 * letter first and no hyphen last (one DNS label, never an IP-looking or punycode name), within
 * the length limits, not reserved. Nothing is rewritten: what the owner typed is the address.
 */
export function checkSlug(raw: string): SlugCheck {
  if (raw.length < SLUG_MIN_LENGTH || raw.length > SLUG_MAX_LENGTH) {
    return {
      ok: false,
      reserved: false,
      reason: `must be ${SLUG_MIN_LENGTH} to ${SLUG_MAX_LENGTH} characters long`,
    };
  }
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(raw)) {
    return {
      ok: false,
      reserved: false,
      reason:
        'may hold only lower-case letters, digits and hyphens, start with a letter and not end with a hyphen',
    };
  }
  if (raw.includes('--')) {
    return { ok: false, reserved: false, reason: 'may not hold two hyphens in a row' };
  }
  if (RESERVED_SLUGS.has(raw)) {
    return { ok: false, reserved: true, reason: 'is reserved' };
  }
  return { ok: true, slug: raw };
}
