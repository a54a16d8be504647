import { type HttpTestingController } from '@angular/common/http/testing';
import { type LlmModelList } from '@forge/protocol/agent/llm-models';
import { MODELS_URL } from '../models.service';

/** What GET /api/models answers with the offline demo model. */
export const DEMO_MODEL_LIST: LlmModelList = {
  provider: 'demo',
  demo: true,
  defaultModel: 'forge-demo',
  models: [{ id: 'forge-demo', name: null, promptUsdPerToken: null, completionUsdPerToken: null }],
};

/** Answers the model list the prompt boxes asked for (pages that show one ask once). */
export function answerModels(http: HttpTestingController, list = DEMO_MODEL_LIST): void {
  for (const request of http.match(MODELS_URL)) {
    request.flush(list);
  }
}
