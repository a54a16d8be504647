import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { PublishModule } from '../publish/publish.module';
import { ShareLinksController } from './share-links.controller';
import { SharedController } from './shared.controller';
import { ShareService } from './share.service';

@Module({
  imports: [ProjectsModule, PublishModule],
  controllers: [ShareLinksController, SharedController],
  providers: [ShareService],
})
export class ShareModule {}
