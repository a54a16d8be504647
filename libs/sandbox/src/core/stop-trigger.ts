/** Why a command was stopped, once it was. */
export interface StopTrigger {
  readonly aborted: boolean;
  readonly timedOut: boolean;
  /** Stops listening to the signal and clears the timer (the command has ended). */
  dispose(): void;
}

/**
 * Calls `stop` when the signal aborts or the timeout passes (0 or undefined: no limit), and
 * remembers which of the two it was, for a command's result.
 */
export function stopTrigger(
  options: { signal?: AbortSignal; timeoutMs?: number },
  stop: () => void,
): StopTrigger {
  const state = { aborted: false, timedOut: false };
  const onAbort = () => {
    state.aborted = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeoutMs && options.timeoutMs > 0
      ? setTimeout(() => {
          state.timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
  return {
    get aborted() {
      return state.aborted;
    },
    get timedOut() {
      return state.timedOut;
    },
    dispose() {
      options.signal?.removeEventListener('abort', onAbort);
      if (timer) {
        clearTimeout(timer);
      }
    },
  };
}
