import { Controller, Get } from '@nestjs/common';
import { type LlmModelList } from '@forge/protocol';
import { ModelsService } from './models.service';

/** GET /api/models: the models a request may choose from, and whether it is the offline demo. */
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(): Promise<LlmModelList> {
    return this.models.list();
  }
}
