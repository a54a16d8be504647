import { Injectable } from '@nestjs/common';
import { AppError } from '@forge/nest-common';
import { type LlmModelList } from '@forge/protocol';
import { LiveError } from '../live/live.error';
import { RunnerRouter } from '../live/runner-router';

export enum ModelsErrorCode {
  Unavailable = 'MODELS_UNAVAILABLE',
}

export class ModelsError extends AppError {
  static unavailable(why: string): ModelsError {
    return new ModelsError(
      ModelsErrorCode.Unavailable,
      `The model list is not available right now: ${why}`,
      503,
    );
  }
}

/** The LLM server's models, as the runners know them (they hold the LLM configuration). */
@Injectable()
export class ModelsService {
  constructor(private readonly router: RunnerRouter) {}

  async list(): Promise<LlmModelList> {
    try {
      return await this.router.models();
    } catch (error) {
      if (error instanceof LiveError) {
        throw ModelsError.unavailable(error.message);
      }
      throw error;
    }
  }
}
