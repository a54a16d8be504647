import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { GitPushService } from './git-push.service';
import { GitRemoteController } from './git-remote.controller';
import { ProjectImportController } from './project-import.controller';
import { ProjectImportService } from './project-import.service';

/** Push a project to git; create one from a git repository or a zip. */
@Module({
  imports: [ProjectsModule],
  controllers: [ProjectImportController, GitRemoteController],
  providers: [GitPushService, ProjectImportService],
})
export class GitIoModule {}
