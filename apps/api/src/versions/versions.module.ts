import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { VersionsController } from './versions.controller';
import { VersionsService } from './versions.service';

@Module({
  imports: [ProjectsModule],
  controllers: [VersionsController],
  providers: [VersionsService],
})
export class VersionsModule {}
