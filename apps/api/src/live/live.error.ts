import { Logger } from '@nestjs/common';
import { CodedError, type CommandError, ErrorCode, isErrorCode } from '@forge/protocol';
import { AppError } from '@forge/nest-common';

const logger = new Logger('LiveGateway');

/** A command or handshake refused, with a code the client can branch on. */
export class LiveError extends CodedError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }

  static unauthenticated(): LiveError {
    return new LiveError(
      ErrorCode.Unauthenticated,
      'Sign in first: the socket needs a session (the session cookie, or its value as auth.token).',
    );
  }

  static sessionEnded(): LiveError {
    return new LiveError(
      ErrorCode.Unauthenticated,
      'Your session has ended (signed out or expired); sign in again.',
    );
  }

  static forbiddenOrigin(origin: string): LiveError {
    return new LiveError(
      ErrorCode.ForbiddenOrigin,
      `Connections from ${origin} are not allowed (PUBLIC_URL, AUTH_TRUSTED_ORIGINS).`,
    );
  }

  static unknownCommand(name: string): LiveError {
    return new LiveError(
      ErrorCode.UnknownCommand,
      `Unknown command ${JSON.stringify(name.slice(0, 64))}; the commands are join, leave, get_state, generate, cancel, save_file and rollback.`,
    );
  }

  static invalid(command: string, problem: string): LiveError {
    return new LiveError(ErrorCode.InvalidCommand, `${command}: ${problem}`);
  }

  static tooManyProjects(max: number): LiveError {
    return new LiveError(
      ErrorCode.TooManyProjects,
      `A connection may have at most ${max} projects open (SOCKET_PROJECTS_MAX); leave one first.`,
    );
  }

  static messageTooLarge(bytes: number, max: number): LiveError {
    return new LiveError(
      ErrorCode.MessageTooLarge,
      `The message is ${bytes} bytes; the largest a connection may send (SOCKET_MESSAGE_MAX_BYTES) is ${max}.`,
    );
  }

  static promptEmpty(): LiveError {
    return new LiveError(ErrorCode.PromptEmpty, 'Describe what to build or change.');
  }

  static promptTooLong(length: number, max: number): LiveError {
    return new LiveError(
      ErrorCode.PromptTooLong,
      `The prompt is ${length} characters long; the limit (GENERATE_PROMPT_MAX_CHARS) is ${max}.`,
    );
  }

  static rateLimited(max: number, windowSeconds: number, retryAfterSeconds: number): LiveError {
    return new LiveError(
      ErrorCode.RateLimited,
      `At most ${max} generations per ${windowSeconds} s (GENERATE_RATE_LIMIT_MAX, GENERATE_RATE_LIMIT_WINDOW_SECONDS); try again in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    );
  }

  static runnerUnavailable(): LiveError {
    return new LiveError(
      ErrorCode.RunnerUnavailable,
      'No agent-runner is reachable right now; try again shortly.',
    );
  }

  static runnerLost(): LiveError {
    return new LiveError(
      ErrorCode.RunnerUnavailable,
      "The link to the agent-runner dropped before it answered; the project's state will show whether the command took effect.",
    );
  }

  static runnerTimeout(timeoutMs: number, setting = 'RUNNER_COMMAND_TIMEOUT_MS'): LiveError {
    return new LiveError(
      ErrorCode.RunnerTimeout,
      `The agent-runner did not answer within ${timeoutMs} ms (${setting}); the project's state will show whether the command took effect.`,
    );
  }
}

/** Any error as what the client is sent; unexpected ones are logged and not described. */
export function toCommandError(error: unknown, command?: string, projectId?: string): CommandError {
  const context = {
    ...(command !== undefined ? { command } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
  };
  if (error instanceof LiveError) {
    return {
      code: error.code,
      message: error.message,
      ...context,
      ...(error.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.retryAfterSeconds }
        : {}),
    };
  }
  // A REST feature's error on the socket path (the project check) keeps its code when the
  // socket knows it; any other is unexpected here.
  if (error instanceof AppError && isErrorCode(error.code)) {
    return { code: error.code, message: error.message, ...context };
  }
  logger.error((error as Error)?.stack ?? String(error));
  return {
    code: ErrorCode.Internal,
    message: 'Something went wrong on our side; the error has been logged.',
    ...context,
  };
}
