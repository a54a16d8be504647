import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { ProjectsModule } from '../projects/projects.module';
import { PreviewController } from './preview.controller';
import { PreviewService } from './preview.service';

@Module({
  imports: [ProjectsModule, LiveModule],
  controllers: [PreviewController],
  providers: [PreviewService],
})
export class PreviewModule {}
