import { createHmac, timingSafeEqual } from 'node:crypto';

/** Shortest secret accepted for signing preview tokens, in characters. */
export const MIN_PREVIEW_SECRET_LENGTH = 32;
/** Longest token looked at; anything longer is refused unread. */
export const MAX_PREVIEW_TOKEN_LENGTH = 2048;

export interface PreviewTokenClaims {
  projectId: string;
  userId: string;
  /** When the token stops opening the preview, in ms since the epoch (whole seconds). */
  expiresAt: number;
}

export type PreviewTokenProblemCode =
  'MISSING' | 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'WRONG_PROJECT';

export type PreviewTokenCheck =
  | { ok: true; claims: PreviewTokenClaims }
  | { ok: false; code: PreviewTokenProblemCode; message: string };

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function checkSecret(secret: string): void {
  if (secret.length < MIN_PREVIEW_SECRET_LENGTH) {
    throw new RangeError(
      `the preview secret is ${secret.length} characters long; the minimum (MIN_PREVIEW_SECRET_LENGTH) is ${MIN_PREVIEW_SECRET_LENGTH}`,
    );
  }
}

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * A token that opens one project's preview for one user until `expiresAt`:
 * `<base64url JSON {p, u, e}>.<base64url HMAC-SHA256 of the first part>`.
 */
export function signPreviewToken(claims: PreviewTokenClaims, secret: string): string {
  checkSecret(secret);
  const payload = Buffer.from(
    JSON.stringify({
      p: claims.projectId,
      u: claims.userId,
      e: Math.floor(claims.expiresAt / 1000),
    }),
  ).toString('base64url');
  return `${payload}.${signature(secret, payload).toString('base64url')}`;
}

/**
 * Checks a token's signature (in constant time), its expiry and, when given, that it is for
 * `projectId`.
 */
export function verifyPreviewToken(
  token: string | undefined | null,
  secret: string,
  expected: { projectId?: string; now?: number } = {},
): PreviewTokenCheck {
  checkSecret(secret);
  if (!token) {
    return { ok: false, code: 'MISSING', message: 'no preview token was given' };
  }
  const malformed = {
    ok: false,
    code: 'MALFORMED',
    message: 'the preview token is malformed',
  } as const;
  if (token.length > MAX_PREVIEW_TOKEN_LENGTH) {
    return malformed;
  }
  const parts = token.split('.');
  if (parts.length !== 2 || !parts.every((part) => BASE64URL.test(part))) {
    return malformed;
  }
  const [payload, signed] = parts as [string, string];
  const expectedSignature = signature(secret, payload);
  const given = Buffer.from(signed, 'base64url');
  if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) {
    return { ok: false, code: 'BAD_SIGNATURE', message: 'the preview token is not valid' };
  }
  const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!claims) {
    return malformed;
  }
  if (claims.expiresAt <= (expected.now ?? Date.now())) {
    return { ok: false, code: 'EXPIRED', message: 'the preview token has expired' };
  }
  if (expected.projectId !== undefined && claims.projectId !== expected.projectId) {
    return {
      ok: false,
      code: 'WRONG_PROJECT',
      message: 'the preview token is for another project',
    };
  }
  return { ok: true, claims };
}

function parseClaims(json: string): PreviewTokenClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { p, u, e } = value as Record<string, unknown>;
  if (typeof p !== 'string' || typeof u !== 'string' || !Number.isSafeInteger(e)) {
    return null;
  }
  return { projectId: p, userId: u, expiresAt: (e as number) * 1000 };
}
