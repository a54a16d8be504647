import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { SerialPass } from './serial-pass';

describe(SerialPass.name, () => {
  const logger = new Logger('test');
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'warn', 'error']));

  it('runs passes one at a time, in call order, a failed one answering the fallback', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.nat(5), fails: fc.boolean() }), { maxLength: 8 }),
        async (plans) => {
          let active = 0;
          let most = 0;
          const order: number[] = [];
          let next = 0;
          const pass = new SerialPass<number>(
            async () => {
              const index = next++;
              active += 1;
              most = Math.max(most, active);
              await new Promise((resolve) => setTimeout(resolve, plans[index]!.delay));
              order.push(index);
              active -= 1;
              if (plans[index]!.fails) {
                throw new Error(`pass ${index}`);
              }
              return index;
            },
            -1,
            logger,
            'testing',
          );
          const results = await Promise.all(plans.map(() => pass.run()));
          expect(most).toBeLessThanOrEqual(1);
          expect(order).toEqual(plans.map((_, index) => index));
          expect(results).toEqual(plans.map((plan, index) => (plan.fails ? -1 : index)));
          await pass.stop();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('waits for the pass running when stopped', async () => {
    let done = false;
    const pass = new SerialPass(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done = true;
        return true;
      },
      false,
      logger,
      'testing',
    );
    pass.every(60_000);
    void pass.run();
    await pass.stop();
    expect(done).toBe(true);
  });
});
