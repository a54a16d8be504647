import { type INestApplication } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';

/** Methods that change state; GET and HEAD never do here, OPTIONS is answered without a session. */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type WriteOriginVerdict = { allowed: true } | { allowed: false; message: string };

/**
 * Whether a state-changing request comes from the UI (PUBLIC_URL) or a trusted origin
 * (AUTH_TRUSTED_ORIGINS), judged by what browsers send on every such request:
 *  - Origin, when present, must be one of `allowedOrigins` ("null" never is);
 *  - else Sec-Fetch-Site must be same-origin (or none: the user's own navigation);
 *  - else Referer's origin must be one of them;
 *  - with none of the three the request is not a browser's (every browser that keeps cookies
 *    sends Origin on a cross-origin write, and Sec-Fetch-Site besides), so it is let through only
 *    without a Cookie header: curl or a script may sign up or in, but a write riding on a
 *    session cookie must say where it comes from.
 */
export function judgeWriteOrigin(
  headers: Request['headers'],
  allowedOrigins: ReadonlySet<string>,
): WriteOriginVerdict {
  const origin = headers.origin;
  if (origin !== undefined) {
    const from = originOf(origin);
    return from !== null && allowedOrigins.has(from)
      ? { allowed: true }
      : { allowed: false, message: `requests from ${origin} may not change anything here` };
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined) {
    return site === 'same-origin' || site === 'none'
      ? { allowed: true }
      : { allowed: false, message: `a ${site} request may not change anything here` };
  }
  const referer = headers.referer;
  if (referer !== undefined) {
    const from = originOf(referer);
    return from !== null && allowedOrigins.has(from)
      ? { allowed: true }
      : { allowed: false, message: 'requests from that page may not change anything here' };
  }
  return headers.cookie === undefined
    ? { allowed: true }
    : {
        allowed: false,
        message: 'a request with a session cookie must send an Origin header (browsers do)',
      };
}

/**
 * CSRF defence for every POST, PUT, PATCH and DELETE under /api (better-auth's routes
 * included), before anything reads the body: 403 CROSS_SITE_REQUEST unless judgeWriteOrigin
 * allows it. Previews live on other origins, so a generated app cannot write with its owner's
 * cookie even when its host is same-site with the UI.
 */
export function refuseCrossSiteWrites(app: INestApplication, origins: string[]) {
  const allowed = new Set(origins.map((origin) => originOf(origin)).filter((o) => o !== null));
  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    if (!WRITE_METHODS.has(req.method)) {
      return next();
    }
    const verdict = judgeWriteOrigin(req.headers, allowed);
    if (verdict.allowed) {
      return next();
    }
    res
      .status(403)
      .set('connection', 'close')
      .json({
        statusCode: 403,
        code: 'CROSS_SITE_REQUEST',
        message: `Refused: ${verdict.message}. Only the Forge web app (PUBLIC_URL) and AUTH_TRUSTED_ORIGINS may send ${req.method} requests.`,
      });
  });
}

/** `scheme://host[:port]` in lower case, or null when `url` is not an absolute http(s) URL. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}
