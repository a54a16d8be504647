import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { type Observable, firstValueFrom } from 'rxjs';
import { AuthError, AuthErrorCode } from './auth-error';
import { type User, parseSessionUser } from './user.model';

/**
 * better-auth's REST endpoints, mounted by the API under /api/auth. The session is read from
 * get-session, which answers a signed-out visitor with 200 and null: the API's own /api/me
 * answers 401, which every browser logs as an error on each signed-out page load.
 */
export const AUTH_ENDPOINTS = {
  signIn: '/api/auth/sign-in/email',
  signUp: '/api/auth/sign-up/email',
  signOut: '/api/auth/sign-out',
  session: '/api/auth/get-session',
} as const;

/** better-auth's defaults for email and password accounts; the API keeps them. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export interface SignInCredentials {
  readonly email: string;
  readonly password: string;
}

export interface SignUpDetails extends SignInCredentials {
  readonly name: string;
}

/** Who is signed in, as signals; every session change goes through here. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly user = signal<User | null>(null);
  private readonly pending = signal(0);
  /** The answer to GET get-session, kept so that guards ask the server once per page load. */
  private sessionCheck: Promise<User | null> | null = null;

  readonly currentUser = this.user.asReadonly();
  readonly loading = computed(() => this.pending() > 0);
  readonly isSignedIn = computed(() => this.user() !== null);

  /** Resolves to the signed-in user, or null; asks the server only the first time. */
  ensureSession(): Promise<User | null> {
    this.sessionCheck ??= this.track(this.fetchCurrentUser()).catch((error: unknown) => {
      // A failed check (server down) is not an answer: the next navigation asks again.
      this.sessionCheck = null;
      throw error;
    });
    return this.sessionCheck;
  }

  signIn(credentials: SignInCredentials): Promise<User> {
    const { email, password } = credentials;
    return this.track(
      this.startSession(this.http.post(AUTH_ENDPOINTS.signIn, { email, password })),
    );
  }

  signUp(details: SignUpDetails): Promise<User> {
    const { name, email, password } = details;
    return this.track(
      this.startSession(this.http.post(AUTH_ENDPOINTS.signUp, { name, email, password })),
    );
  }

  async signOut(): Promise<void> {
    try {
      await this.track(firstValueFrom(this.http.post(AUTH_ENDPOINTS.signOut, {})));
    } catch (error: unknown) {
      throw AuthError.fromHttp(error);
    }
    this.forgetSession();
  }

  /** For when the API answers 401 elsewhere: the session expired or ended in another tab. */
  forgetSession(): void {
    this.user.set(null);
    this.sessionCheck = Promise.resolve(null);
  }

  /** Signs in or up, then reads the session to prove the browser kept the session cookie. */
  private async startSession(request: Observable<unknown>): Promise<User> {
    try {
      await firstValueFrom(request);
    } catch (error: unknown) {
      throw AuthError.fromHttp(error);
    }
    const user = await this.fetchCurrentUser();
    if (!user) {
      throw new AuthError(
        AuthErrorCode.SessionNotStored,
        'Signed in, but the browser did not keep the session. Serve the app and the API from the same origin, or allow credentials across them.',
      );
    }
    this.sessionCheck = Promise.resolve(user);
    return user;
  }

  private async fetchCurrentUser(): Promise<User | null> {
    let body: unknown;
    try {
      body = await firstValueFrom(this.http.get<unknown>(AUTH_ENDPOINTS.session));
    } catch (error: unknown) {
      if (error instanceof HttpErrorResponse && error.status === 401) {
        this.user.set(null);
        return null;
      }
      throw AuthError.fromHttp(error);
    }
    if (body === null) {
      this.user.set(null);
      return null;
    }
    const user = parseSessionUser(body);
    if (!user) {
      throw new AuthError(
        AuthErrorCode.BadResponse,
        `GET ${AUTH_ENDPOINTS.session} answered without a user's id, email and name.`,
      );
    }
    this.user.set(user);
    return user;
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.pending.update((count) => count + 1);
    try {
      return await work;
    } finally {
      this.pending.update((count) => count - 1);
    }
  }
}
