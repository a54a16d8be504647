import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { DownloadController } from './download.controller';
import { DownloadService } from './download.service';

@Module({
  imports: [ProjectsModule],
  controllers: [DownloadController],
  providers: [DownloadService],
})
export class DownloadModule {}
