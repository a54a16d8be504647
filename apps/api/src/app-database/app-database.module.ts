import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { AppDatabaseController } from './app-database.controller';
import { AppDatabaseService } from './app-database.service';

/** The workspace's database panel: an app's own database, read-only, for its owner. */
@Module({
  imports: [ProjectsModule],
  controllers: [AppDatabaseController],
  providers: [AppDatabaseService],
})
export class AppDatabaseModule {}
