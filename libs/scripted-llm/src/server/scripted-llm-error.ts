export type ScriptedLlmErrorCode = 'INVALID_OPTION' | 'INVALID_REPLY';

/** A mistake in how the server or a script was set up, as opposed to a scripted fault. */
export class ScriptedLlmError extends Error {
  constructor(
    readonly code: ScriptedLlmErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScriptedLlmError';
  }
}
