import fc from 'fast-check';

/** The latest a racer starts after its round does: enough to land inside the others' requests. */
export const RACE_WINDOW_MS = 40;

/** A call of a race round, started `after` ms after the round begins. */
export interface Racer<T> {
  after: number;
  run: () => Promise<T>;
}

/**
 * Starts each racer at its own moment and waits for them all, so that the requests overlap in
 * the orders fast-check picks. The results come in the racers' order.
 */
export function race<T>(racers: Racer<T>[]): Promise<T[]> {
  return Promise.all(
    racers.map(({ after, run }) =>
      new Promise<void>((resolve) => setTimeout(resolve, after)).then(run),
    ),
  );
}

/** A racer's start delay within RACE_WINDOW_MS. */
export const startDelay: fc.Arbitrary<number> = fc.integer({ min: 0, max: RACE_WINDOW_MS });

/** Which of `secrets` the body shows anywhere (none: it leaks nothing of them). */
export function leaked(body: unknown, secrets: readonly string[]): string[] {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  return secrets.filter((secret) => secret !== '' && text.includes(secret));
}

/**
 * fast-check settings for a race property: `numRuns` rounds, stopping at the first failure. A
 * round's timing does not replay, so shrinking would only chase other interleavings.
 */
export function raceRuns(numRuns: number): fc.Parameters<unknown> {
  return { numRuns, endOnFailure: true };
}
