import { type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { type Server, type ServerOptions } from 'socket.io';
import { type ApiConfig } from '../config/api-config';
import { LIVE_REDIS, type LiveRedis } from './live-redis';

/**
 * Socket.IO for browsers: frames capped at SOCKET_FRAME_MAX_BYTES (a larger one closes that
 * connection at the transport; messages between SOCKET_MESSAGE_MAX_BYTES and that get an error
 * event from the gateway), and the Redis adapter when REDIS_URL is set so that
 * room operations and broadcasts started on one replica reach sockets on all of them.
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: ApiConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: Math.max(
        this.config.SOCKET_FRAME_MAX_BYTES,
        this.config.SOCKET_MESSAGE_MAX_BYTES,
      ),
    }) as Server;
    const redis = this.app.get<LiveRedis | null>(LIVE_REDIS);
    if (redis) {
      server.adapter(createAdapter(redis.pub, redis.sub, { key: 'forge-live' }));
    }
    return server;
  }
}
