import { HttpErrorResponse } from '@angular/common/http';
import { readServerCode, readServerMessage } from '../core/http-error-message';

export enum AuthErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  RateLimited = 'RATE_LIMITED',
  EmailTaken = 'EMAIL_TAKEN',
  InvalidInput = 'INVALID_INPUT',
  Network = 'NETWORK',
  SessionNotStored = 'SESSION_NOT_STORED',
  BadResponse = 'BAD_RESPONSE',
  SignUpClosed = 'SIGN_UP_CLOSED',
  Unknown = 'UNKNOWN',
}

/** A failed sign-in, sign-up or sign-out, with a message the form can show as it is. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }

  /** Turns what better-auth answered into words a user can act on. */
  static fromHttp(error: unknown): AuthError {
    if (error instanceof AuthError) {
      return error;
    }
    if (!(error instanceof HttpErrorResponse)) {
      return new AuthError(AuthErrorCode.Unknown, 'Something went wrong. Try again.');
    }
    const serverCode = readServerCode(error.error);
    switch (error.status) {
      case 0:
        return new AuthError(
          AuthErrorCode.Network,
          'Cannot reach the server. Check your connection and try again.',
        );
      case 401:
        return new AuthError(AuthErrorCode.InvalidCredentials, 'Wrong email or password.');
      case 429:
        return new AuthError(AuthErrorCode.RateLimited, 'Too many attempts, wait a minute.');
    }
    if (error.status === 422 || serverCode?.startsWith('USER_ALREADY_EXISTS')) {
      return new AuthError(
        AuthErrorCode.EmailTaken,
        'An account with this email already exists. Sign in instead.',
      );
    }
    if (serverCode === AuthErrorCode.SignUpClosed) {
      return new AuthError(
        AuthErrorCode.SignUpClosed,
        readServerMessage(error.error) ?? 'Sign-up is closed on this server.',
      );
    }
    if (error.status === 400) {
      return new AuthError(
        AuthErrorCode.InvalidInput,
        readServerMessage(error.error) ?? 'Check the form and try again.',
      );
    }
    return new AuthError(
      AuthErrorCode.Unknown,
      `Something went wrong (HTTP ${error.status}). Try again.`,
    );
  }
}
