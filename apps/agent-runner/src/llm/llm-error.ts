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

export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }

  static aborted(): LlmError {
    return new LlmError(LlmErrorCode.Aborted, 'the call was cancelled', false);
  }
}

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Waits `ms`, or less when `signal` aborts (then throws LlmError.aborted()). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(LlmError.aborted());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(LlmError.aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error, or `maxRetries` retries, waiting
 * base·2^n (capped, with jitter; at least a 429's Retry-After) between tries.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (attemptNumber: number) => Promise<T>,
  onRetry: (
    error: LlmError,
    attemptNumber: number,
    delayMs: number,
  ) => void | Promise<void> = () => {},
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof LlmError) || !error.retryable || attemptNumber > policy.maxRetries)
        throw error;
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNumber - 1));
      const jittered = backoff * (0.8 + Math.random() * 0.4);
      const delayMs = Math.min(policy.maxDelayMs, Math.max(jittered, error.retryAfterMs ?? 0));
      await onRetry(error, attemptNumber, delayMs);
      await sleep(delayMs, signal);
    }
  }
}
