import { randomUUID } from 'node:crypto';
import { type Pool } from 'pg';

/** better-auth's rate-limit store: one atomic step records a request and says if it may pass. */
export interface AuthRateLimitStorage {
  consume(
    key: string,
    rule: { window: number; max: number },
  ): Promise<{ allowed: boolean; retryAfter: number | null }>;
}

/** Counters whose window has ended are swept at most once per this period. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * better-auth's counters in its rate_limits table, shared by every API replica, with one change:
 * requests to the paths in `sharedPaths` count against one budget per IP. better-auth keys a
 * counter `<ip>|<path>` (createRateLimitKey); for those paths the key becomes `<ip>|<name>`, so
 * sign-up cannot be used to try passwords once sign-in is exhausted, nor the other way round.
 * A counter's window starts at its first request; the (max+1)th in the window is refused.
 */
export function authRateLimitStorage(
  pool: Pool,
  shared: { paths: readonly string[]; name: string },
  longestWindowSeconds: number,
): AuthRateLimitStorage {
  let sweptAt = 0;
  const keyFor = (key: string) => {
    const cut = key.lastIndexOf('|');
    const path = key.slice(cut + 1);
    return cut >= 0 && shared.paths.includes(path) ? `${key.slice(0, cut)}|${shared.name}` : key;
  };
  return {
    async consume(key, rule) {
      const now = Date.now();
      const windowMs = rule.window * 1000;
      // Not in a libs/db repository: better-auth's own table, on better-auth's pg Pool it hands us.
      // Insert, restart an ended window, or count one more while under max: one statement, so
      // concurrent requests cannot all read the same count.
      const counted = await pool.query<{ count: number }>(
        `INSERT INTO rate_limits (id, key, count, last_request) VALUES ($1, $2, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN $3 - rate_limits.last_request >= $4 THEN 1 ELSE rate_limits.count + 1 END,
           last_request = CASE WHEN $3 - rate_limits.last_request >= $4 THEN $3 ELSE rate_limits.last_request END
         WHERE $3 - rate_limits.last_request >= $4 OR rate_limits.count < $5
         RETURNING count`,
        [randomUUID(), keyFor(key), now, windowMs, rule.max],
      );
      if (now - sweptAt > SWEEP_EVERY_MS) {
        sweptAt = now;
        await pool.query('DELETE FROM rate_limits WHERE last_request < $1', [
          now - longestWindowSeconds * 1000,
        ]);
      }
      if (counted.rowCount) {
        return { allowed: true, retryAfter: null };
      }
      const started = await pool.query<{ last_request: string }>(
        'SELECT last_request FROM rate_limits WHERE key = $1',
        [keyFor(key)],
      );
      const start = Number(started.rows[0]?.last_request ?? now);
      return {
        allowed: false,
        retryAfter: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
      };
    },
  };
}
