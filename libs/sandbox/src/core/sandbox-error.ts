import { CodedError } from '@forge/protocol';

export type SandboxErrorCode =
  | 'INVALID_PROJECT_ID'
  | 'INVALID_PATH'
  | 'INVALID_PACKAGE'
  | 'INVALID_TOOL'
  | 'TOOL_NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'PATH_ESCAPES_WORKSPACE'
  | 'NOT_A_FILE'
  | 'ENGINE_UNAVAILABLE'
  | 'IMAGE_MISSING'
  | 'COMMAND_FAILED'
  | 'ABORTED'
  | 'DEV_SERVER_CRASHED'
  | 'DEV_SERVER_TIMEOUT'
  | 'START_TIMEOUT'
  | 'START_FAILED'
  | 'DESTROYED'
  | 'ISOLATION_UNAVAILABLE';

/** An error of the docker and kubernetes sandbox providers, with a code callers can act on. */
export class SandboxError extends CodedError<SandboxErrorCode> {}

export function isSandboxError(error: unknown, code?: SandboxErrorCode): error is SandboxError {
  return error instanceof SandboxError && (code === undefined || error.code === code);
}
