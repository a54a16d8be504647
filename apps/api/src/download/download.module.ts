import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { DownloadController } from './download.controller';
import { DownloadService } from './download.service';
import { StarterFilesController } from './starter-files.controller';

@Module({
  imports: [ProjectsModule],
  controllers: [DownloadController, StarterFilesController],
  providers: [DownloadService],
})
export class DownloadModule {}
