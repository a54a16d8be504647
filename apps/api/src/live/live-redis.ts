import { Logger } from '@nestjs/common';
import { createClient } from 'redis';
import { type ApiConfig } from '../config/api-config';

export type RedisClient = ReturnType<typeof createClient>;

/** How long the API waits for Redis at start-up before it gives up with a clear message. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The Redis connections of an API replica when REDIS_URL is set: the Socket.IO adapter's
 * publisher (also used for the shared rate limit) and its subscriber.
 */
export class LiveRedis {
  private constructor(
    readonly pub: RedisClient,
    readonly sub: RedisClient,
  ) {}

  static async connect(url: string): Promise<LiveRedis> {
    const logger = new Logger('Redis');
    const open = async (role: string) => {
      const client = createClient({ url, socket: { connectTimeout: REDIS_CONNECT_TIMEOUT_MS } });
      // node-redis reconnects by itself; an unhandled 'error' would end the process.
      client.on('error', (error: Error) => logger.warn(`${role}: ${error.message}`));
      try {
        await client.connect();
      } catch (error) {
        client.destroy();
        throw new Error(
          `Redis at REDIS_URL is not reachable (${(error as Error).message}); start it or unset REDIS_URL for a single API.`,
        );
      }
      return client;
    };
    const pub = await open('publisher');
    try {
      return new LiveRedis(pub, await open('subscriber'));
    } catch (error) {
      pub.destroy();
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pub.close(), this.sub.close()]);
  }
}

export const LIVE_REDIS = Symbol('LIVE_REDIS');

/** Null without REDIS_URL: one replica, in-memory adapter and rate limit. */
export function liveRedisFactory(config: ApiConfig): Promise<LiveRedis | null> {
  return config.REDIS_URL ? LiveRedis.connect(config.REDIS_URL) : Promise.resolve(null);
}
