import { CodedError } from '@forge/protocol';
import { abortableSleep } from '../common/abortable-sleep';

export enum LlmErrorCode {
  RateLimited = 'LLM_RATE_LIMITED',
  ServerError = 'LLM_SERVER_ERROR',
  Connection = 'LLM_CONNECTION',
  Silence = 'LLM_SILENCE',
  Truncated = 'LLM_TRUNCATED',
  Timeout = 'LLM_TIMEOUT',
  Rejected = 'LLM_REJECTED',
  Aborted = 'LLM_ABORTED',
}

export class LlmError extends CodedError<LlmErrorCode> {
  constructor(
    code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(code, message);
  }

  static aborted(): LlmError {
    return new LlmError(LlmErrorCode.Aborted, 'the call was cancelled', false);
  }
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long all the attempts of one call may take, from the first (LLM_CALL_TIMEOUT_MS): a
   * provider's Retry-After is honoured, past maxDelayMs too, only when the wait ends before it.
   */
  deadlineMs: number;
}

/** One wait between two attempts, as withRetries tells its caller before it starts. */
export interface RetryWait {
  error: LlmError;
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  /** The provider asked for this wait (Retry-After), rather than our own backoff. */
  askedByProvider: boolean;
}

/** What the user is told about a wait: the provider's own wait reads "Waiting for the provider, n s". */
export function describeRetryWait(wait: RetryWait, then: string): string {
  if (wait.askedByProvider) {
    return `Waiting for the provider, ${Math.ceil(wait.delayMs / 1000)} s, as it asked (Retry-After): ${wait.error.message}; then ${then} (retry ${wait.attempt})`;
  }
  return `${wait.error.message}; ${then} (retry ${wait.attempt} in ${Math.round(wait.delayMs)} ms)`;
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error, or `maxRetries` retries, waiting
 * base·2^n (capped at maxDelayMs, with jitter) between tries, or the provider's Retry-After
 * when it sent one: that wait is the provider's call and is honoured uncapped, unless it would
 * end past the call's deadline, when the call fails at once saying how long it asked for.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (attemptNumber: number) => Promise<T>,
  onRetry: (wait: RetryWait) => void | Promise<void> = () => {},
): Promise<T> {
  const deadline = Date.now() + policy.deadlineMs;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof LlmError) || !error.retryable || attemptNumber > policy.maxRetries) {
        throw error;
      }
      const asked = error.retryAfterMs;
      if (asked !== undefined && Date.now() + asked > deadline) {
        throw new LlmError(
          error.code,
          `${error.message}: the provider asked to wait ${Math.ceil(asked / 1000)} s (Retry-After), past this call's deadline (LLM_CALL_TIMEOUT_MS=${policy.deadlineMs})`,
          false,
        );
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
      const jittered = Math.min(policy.maxDelayMs, backoff * (0.8 + Math.random() * 0.4));
      const askedByProvider = asked !== undefined && asked > jittered;
      const delayMs = askedByProvider ? asked : jittered;
      await onRetry({ error, attempt: attemptNumber, delayMs, askedByProvider });
      await abortableSleep(delayMs, signal, LlmError.aborted);
    }
  }
}
