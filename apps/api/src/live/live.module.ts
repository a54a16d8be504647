import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { API_CONFIG } from '../config/api-config';
import { ProjectsModule } from '../projects/projects.module';
import { GenerateRateLimiter } from './generate-rate-limiter';
import { LiveAuth } from './live-auth';
import { LIVE_REDIS, type LiveRedis, liveRedisFactory } from './live-redis';
import { LiveGateway } from './live.gateway';
import { ProjectFeeds } from './project-feeds';
import { RunnerLinks } from './runner-links';
import { RunnerRouter } from './runner-router';

/** The live link: browsers' socket, the links to the runners, and the events between. */
@Module({
  imports: [ProjectsModule],
  providers: [
    { provide: LIVE_REDIS, inject: [API_CONFIG], useFactory: liveRedisFactory },
    LiveAuth,
    GenerateRateLimiter,
    RunnerLinks,
    RunnerRouter,
    ProjectFeeds,
    LiveGateway,
  ],
  exports: [RunnerRouter],
})
export class LiveModule implements OnApplicationShutdown {
  constructor(@Inject(LIVE_REDIS) private readonly redis: LiveRedis | null) {}

  /** After the socket server closed (Nest closes it before the shutdown hooks). */
  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}
