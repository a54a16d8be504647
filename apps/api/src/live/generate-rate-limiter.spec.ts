import { loadApiConfig } from '../config/api-config';
import { GenerateRateLimiter } from './generate-rate-limiter';
import { LiveRedis } from './live-redis';
import { assertRedisReachable, TEST_REDIS_URL } from './testing/live-stack';

const config = loadApiConfig({
  DATABASE_URL: 'postgres://unused/forge',
  AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
  APPS_DATABASE_KEY: 'test-apps-database-key-0123456789abcdef',
  GENERATE_RATE_LIMIT_MAX: '2',
  GENERATE_RATE_LIMIT_WINDOW_SECONDS: '60',
});
const WINDOW_START = Date.UTC(2026, 0, 1, 12, 0, 0);

async function expectBudget(limiter: GenerateRateLimiter, user: string): Promise<void> {
  expect(await limiter.consume(user, WINDOW_START + 1_000)).toEqual({
    allowed: true,
    retryAfterSeconds: 59,
  });
  expect((await limiter.consume(user, WINDOW_START + 2_000)).allowed).toBe(true);
  expect(await limiter.consume(user, WINDOW_START + 30_000)).toEqual({
    allowed: false,
    retryAfterSeconds: 30,
  });
  // Another user has a budget of their own; the next window starts afresh.
  expect((await limiter.consume(`${user}-other`, WINDOW_START + 30_000)).allowed).toBe(true);
  expect((await limiter.consume(user, WINDOW_START + 60_000)).allowed).toBe(true);
}

describe(GenerateRateLimiter.name, () => {
  it('allows GENERATE_RATE_LIMIT_MAX generations per user and window, in memory', async () => {
    await expectBudget(new GenerateRateLimiter(config, null), 'user-memory');
  });

  it('shares one budget between replicas through Redis', async () => {
    await assertRedisReachable();
    const [one, two] = [
      await LiveRedis.connect(TEST_REDIS_URL),
      await LiveRedis.connect(TEST_REDIS_URL),
    ];
    try {
      const user = `user-${Math.random().toString(36).slice(2)}`;
      const [replicaOne, replicaTwo] = [
        new GenerateRateLimiter(config, one),
        new GenerateRateLimiter(config, two),
      ];
      expect((await replicaOne.consume(user, WINDOW_START)).allowed).toBe(true);
      expect((await replicaTwo.consume(user, WINDOW_START)).allowed).toBe(true);
      expect((await replicaOne.consume(user, WINDOW_START)).allowed).toBe(false);
      await expectBudget(replicaTwo, `${user}-b`);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
