import { Module } from '@nestjs/common';
import { LiveModule } from '../live/live.module';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({
  imports: [LiveModule],
  controllers: [ModelsController],
  providers: [ModelsService],
})
export class ModelsModule {}
