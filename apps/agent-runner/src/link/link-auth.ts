import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

export enum LinkAuthErrorCode {
  NoTokenConfigured = 'LINK_DISABLED',
  BadToken = 'UNAUTHENTICATED',
}

/** Why a handshake was refused: the message the API logs; it never names the token. */
export class LinkAuthError extends Error {
  readonly data: { code: LinkAuthErrorCode; message: string };

  constructor(code: LinkAuthErrorCode, message: string) {
    super(message);
    this.name = 'LinkAuthError';
    this.data = { code, message };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Null when `presented` is the configured token; compares in constant time. */
export function checkServiceToken(configured: string, presented: unknown): LinkAuthError | null {
  if (!configured) {
    return new LinkAuthError(
      LinkAuthErrorCode.NoTokenConfigured,
      'RUNNER_SERVICE_TOKEN is not set on the runner: it accepts no API link.',
    );
  }
  if (typeof presented !== 'string' || !timingSafeEqual(digest(configured), digest(presented))) {
    return new LinkAuthError(
      LinkAuthErrorCode.BadToken,
      'The link needs the runner service token (RUNNER_SERVICE_TOKEN) in the handshake auth.',
    );
  }
  return null;
}

/**
 * Browsers always send Origin on a websocket or XHR; the API's link client never does. Refusing
 * any request with an Origin keeps web pages off the runner even if the token leaked into one.
 */
export function isFromBrowser(request: IncomingMessage): boolean {
  return request.headers.origin !== undefined;
}
