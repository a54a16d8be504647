import { Inject, Injectable } from '@nestjs/common';
import { type IncomingHttpHeaders } from 'node:http';
import { SessionRepository } from '@forge/db';
import { type AuthUser, toWebHeaders } from '../auth/auth-user';
import { AUTH, type Auth } from '../auth/auth.factory';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LiveError } from './live.error';

/** What a browser presents when it opens the socket. */
export interface LiveHandshake {
  headers: IncomingHttpHeaders;
  auth: Record<string, unknown>;
}

/** Who opened a socket, and with which session (checked again while the socket lives). */
export interface LiveIdentity {
  user: AuthUser;
  sessionId: string;
  sessionExpiresAt: number;
}

/**
 * Authenticates a socket at the handshake, with the same better-auth session as REST:
 * the session cookie, or (for clients that hold it otherwise) the cookie's value as
 * `auth.token`. A page from another origin is refused even with a valid cookie.
 */
@Injectable()
export class LiveAuth {
  private readonly origins: Set<string>;

  constructor(
    @Inject(AUTH) private readonly auth: Auth,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly sessions: SessionRepository,
  ) {
    this.origins = new Set(
      [config.PUBLIC_URL, ...config.AUTH_TRUSTED_ORIGINS.split(',')]
        .map((origin) => origin.trim())
        .filter(Boolean)
        .map((origin) => new URL(origin).origin),
    );
  }

  async authenticate(handshake: LiveHandshake): Promise<LiveIdentity> {
    const origin = handshake.headers.origin;
    if (origin !== undefined && !this.origins.has(origin)) {
      throw LiveError.forbiddenOrigin(origin);
    }
    const headers = toWebHeaders(handshake.headers);
    const token = handshake.auth.token;
    if (typeof token === 'string' && token) {
      const { authCookies } = await this.auth.$context;
      headers.set('cookie', `${authCookies.sessionToken.name}=${token}`);
    }
    const session = await this.auth.api.getSession({ headers });
    if (!session) {
      throw LiveError.unauthenticated();
    }
    return {
      user: { id: session.user.id, email: session.user.email, name: session.user.name },
      sessionId: session.session.id,
      sessionExpiresAt: new Date(session.session.expiresAt).getTime(),
    };
  }

  /** Which of these sessions still exist and have not expired (sign-out deletes the row). */
  liveSessions(sessionIds: string[]): Promise<Set<string>> {
    return this.sessions.live(sessionIds);
  }
}
