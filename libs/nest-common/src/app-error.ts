import { CodedError } from '@forge/protocol';

/**
 * The base of every feature's own error: a stable code a client can branch on, the HTTP status
 * it maps to, and a message a user can act on. Features subclass it with their own code enum
 * (see apps/api/src/projects/project.error.ts).
 */
export class AppError extends CodedError<string> {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(code, message);
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
