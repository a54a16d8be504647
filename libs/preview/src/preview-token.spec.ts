import { signPreviewToken, verifyPreviewToken } from './preview-token';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const now = Date.UTC(2026, 0, 1);
const claims = { projectId: 'p1', userId: 'u1', expiresAt: now + 60_000 };

describe(signPreviewToken.name, () => {
  it('makes a token that verifies for its project until it expires', () => {
    const token = signPreviewToken(claims, secret);
    expect(verifyPreviewToken(token, secret, { projectId: 'p1', now })).toEqual({
      ok: true,
      claims,
    });
    expect(
      verifyPreviewToken(token, secret, { projectId: 'p1', now: claims.expiresAt }),
    ).toMatchObject({
      ok: false,
      code: 'EXPIRED',
    });
  });

  it('refuses a token for another project, a wrong secret, a changed payload and garbage', () => {
    const token = signPreviewToken(claims, secret);
    expect(verifyPreviewToken(token, secret, { projectId: 'p2', now })).toMatchObject({
      code: 'WRONG_PROJECT',
    });
    expect(verifyPreviewToken(token, `${secret}!`, { now })).toMatchObject({
      code: 'BAD_SIGNATURE',
    });
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'p2', u: 'u1', e: now / 1000 + 60 })).toString(
      'base64url',
    );
    expect(verifyPreviewToken(`${forged}.${signature}`, secret, { now })).toMatchObject({
      code: 'BAD_SIGNATURE',
    });
    expect(verifyPreviewToken(`${token}x`, secret, { now })).toMatchObject({ ok: false });
    for (const garbage of ['', 'abc', 'a.b.c', 'a b.c', 'x'.repeat(5000)]) {
      expect(verifyPreviewToken(garbage, secret, { now }).ok).toBe(false);
    }
    expect(verifyPreviewToken(undefined, secret)).toMatchObject({ code: 'MISSING' });
  });

  it('refuses to sign or check with a short secret', () => {
    expect(() => signPreviewToken(claims, 'short')).toThrow(/MIN_PREVIEW_SECRET_LENGTH/);
    expect(() => verifyPreviewToken('x.y', 'short')).toThrow(/MIN_PREVIEW_SECRET_LENGTH/);
  });
});
