import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { ProjectsModule } from '../projects/projects.module';
import { PublishController } from './publish.controller';
import { PublishService } from './publish.service';
import { PublishedApps } from './published-apps';

@Module({
  imports: [ProjectsModule, LiveModule],
  controllers: [PublishController],
  providers: [PublishService, PublishedApps],
  exports: [PublishService],
})
export class PublishModule {}
