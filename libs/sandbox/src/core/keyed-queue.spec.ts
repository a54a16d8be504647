import fc from 'fast-check';
import { KeyedQueue } from './keyed-queue';

describe(KeyedQueue.name, () => {
  it('runs one task at a time per key, in order, whatever fails and however long each takes', async () => {
    const task = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      delayMs: fc.integer({ min: 0, max: 3 }),
      fails: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(task, { maxLength: 30 }), async (tasks) => {
        const queue = new KeyedQueue();
        const running = new Map<string, number>();
        const order = new Map<string, number[]>();
        const runs = tasks.map((spec, index) =>
          queue
            .run(spec.key, async () => {
              running.set(spec.key, (running.get(spec.key) ?? 0) + 1);
              expect(running.get(spec.key)).toBe(1);
              order.set(spec.key, [...(order.get(spec.key) ?? []), index]);
              await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
              running.set(spec.key, running.get(spec.key)! - 1);
              if (spec.fails) {
                throw new Error(`task ${index} failed`);
              }
              return index;
            })
            .then(
              (value) => ({ ok: true as const, value }),
              (error: Error) => ({ ok: false as const, message: error.message }),
            ),
        );
        const outcomes = await Promise.all(runs);
        // Each caller gets its own task's result or failure.
        outcomes.forEach((outcome, index) => {
          expect(outcome).toEqual(
            tasks[index]!.fails
              ? { ok: false, message: `task ${index} failed` }
              : { ok: true, value: index },
          );
        });
        for (const [key, indexes] of order) {
          const expected = tasks.flatMap((spec, index) => (spec.key === key ? [index] : []));
          expect(indexes).toEqual(expected);
        }
      }),
      { numRuns: 50 },
    );
  });
});
