/**
 * Every code an error on the socket and the runner link can carry, defined once: commands the API
 * or a runner refuses, and failures that end a generation. Browsers, the API and runners all
 * branch on these; the REST filter keeps its own feature codes and maps them to HTTP statuses.
 */
export enum ErrorCode {
  // Refused by the API's socket gateway.
  Unauthenticated = 'UNAUTHENTICATED',
  ForbiddenOrigin = 'FORBIDDEN_ORIGIN',
  UnknownCommand = 'UNKNOWN_COMMAND',
  InvalidCommand = 'INVALID_COMMAND',
  MessageTooLarge = 'MESSAGE_TOO_LARGE',
  TooManyProjects = 'TOO_MANY_PROJECTS',
  PromptEmpty = 'PROMPT_EMPTY',
  PromptTooLong = 'PROMPT_TOO_LONG',
  RateLimited = 'RATE_LIMITED',
  RunnerUnavailable = 'RUNNER_UNAVAILABLE',
  RunnerTimeout = 'RUNNER_TIMEOUT',
  // Refused by the API or a runner.
  ProjectNotFound = 'PROJECT_NOT_FOUND',
  GenerationRunning = 'GENERATION_RUNNING',
  Internal = 'INTERNAL',
  // Refused by a runner.
  ProjectLeasedElsewhere = 'PROJECT_LEASED_ELSEWHERE',
  RequestTooLong = 'REQUEST_TOO_LONG',
  RequestEmpty = 'REQUEST_EMPTY',
  InvalidPath = 'INVALID_PATH',
  FileTooLarge = 'FILE_TOO_LARGE',
  VersionNotFound = 'VERSION_NOT_FOUND',
  GenerationsLimit = 'GENERATIONS_LIMIT',
  UnknownModel = 'MODEL_UNKNOWN',
  PublishUnsupported = 'PUBLISH_UNSUPPORTED',
  PublishBuildFailed = 'PUBLISH_BUILD_FAILED',
  PublishTooLarge = 'PUBLISH_TOO_LARGE',
  // End a generation (the agent's `error` events).
  InstallFailed = 'INSTALL_FAILED',
  DevServerFailed = 'DEV_SERVER_FAILED',
  SandboxRefusedFile = 'SANDBOX_REFUSED_FILE',
  DesignInvalid = 'DESIGN_INVALID',
  // Made by the browser's socket client for a command that never reached or left the API.
  NotConnected = 'NOT_CONNECTED',
  NoAnswer = 'NO_ANSWER',
  HandshakeRefused = 'HANDSHAKE_REFUSED',
}

/**
 * The base of every error with a code: a stable code a client can branch on and a message a user
 * can act on. Each area subclasses it with its codes (ErrorCode here; the LLM's, the sandbox's and
 * the REST features' own enums where they stay inside one process).
 */
export class CodedError<Code extends string = ErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Whether `error` is a CodedError, with `code` when given. */
export function isCodedError<Code extends string>(
  error: unknown,
  code?: Code,
): error is CodedError<Code> {
  return error instanceof CodedError && (code === undefined || error.code === code);
}

const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Whether `code` is one of ErrorCode's: what another area's error may pass on as it is. */
export function isErrorCode(code: string): code is ErrorCode {
  return ERROR_CODES.has(code);
}
