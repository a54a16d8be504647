/**
 * The base of every feature's own error: a stable code a client can branch on, the HTTP status
 * it maps to, and a message a user can act on. Features subclass it with their own code enum
 * (see apps/api/src/projects/project.error.ts).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
