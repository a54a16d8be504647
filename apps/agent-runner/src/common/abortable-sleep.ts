/** Waits `ms`, or less when `signal` aborts: then rejects with the error `aborted()` makes. */
export function abortableSleep(
  ms: number,
  signal: AbortSignal,
  aborted: () => Error,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
