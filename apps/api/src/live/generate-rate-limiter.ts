import { Inject, Injectable } from '@nestjs/common';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LIVE_REDIS, type LiveRedis } from './live-redis';

export interface RateVerdict {
  allowed: boolean;
  /** When the current window ends. */
  retryAfterSeconds: number;
}

/** In-memory counters are swept of past windows once there are this many. */
const MEMORY_SWEEP_AT = 10_000;

/**
 * Generations per user in fixed windows (GENERATE_RATE_LIMIT_MAX per
 * GENERATE_RATE_LIMIT_WINDOW_SECONDS): in Redis when REDIS_URL is set, so every replica
 * counts against one budget, else in this process.
 */
@Injectable()
export class GenerateRateLimiter {
  private readonly counts = new Map<string, { window: number; count: number }>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(LIVE_REDIS) private readonly redis: LiveRedis | null,
  ) {}

  async consume(userId: string, now = Date.now()): Promise<RateVerdict> {
    const windowMs = this.config.GENERATE_RATE_LIMIT_WINDOW_SECONDS * 1000;
    const window = Math.floor(now / windowMs);
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
    const count = this.redis
      ? await this.countInRedis(userId, window, windowMs)
      : this.countInMemory(userId, window);
    return { allowed: count <= this.config.GENERATE_RATE_LIMIT_MAX, retryAfterSeconds };
  }

  private async countInRedis(userId: string, window: number, windowMs: number): Promise<number> {
    const key = `forge:generate-rate:${userId}:${window}`;
    const [count] = await this.redis!.pub.multi().incr(key).pExpire(key, windowMs).exec();
    return Number(count);
  }

  private countInMemory(userId: string, window: number): number {
    if (this.counts.size >= MEMORY_SWEEP_AT) {
      for (const [key, entry] of this.counts) {
        if (entry.window < window) {
          this.counts.delete(key);
        }
      }
    }
    const entry = this.counts.get(userId);
    const count = entry && entry.window === window ? entry.count + 1 : 1;
    this.counts.set(userId, { window, count });
    return count;
  }
}
