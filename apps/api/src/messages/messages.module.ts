import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [ProjectsModule],
  controllers: [MessagesController],
  providers: [MessagesService],
})
export class MessagesModule {}
