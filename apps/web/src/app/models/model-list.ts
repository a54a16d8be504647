import { type LlmModelInfo, type LlmModelList } from '@forge/protocol/agent/llm-models';
import { ProjectResponseError } from '../project/project.model';

const PROVIDERS = new Set(['openrouter', 'openai-compatible', 'demo']);

function price(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** GET /api/models, checked field by field (the web bundle carries no schema library). */
export function parseModelList(body: unknown): LlmModelList {
  const what = 'the model list';
  if (typeof body !== 'object' || body === null) {
    throw new ProjectResponseError(what);
  }
  const { provider, demo, defaultModel, models } = body as Record<string, unknown>;
  if (
    typeof provider !== 'string' ||
    !PROVIDERS.has(provider) ||
    typeof demo !== 'boolean' ||
    typeof defaultModel !== 'string' ||
    !Array.isArray(models)
  ) {
    throw new ProjectResponseError(what);
  }
  return {
    provider: provider as LlmModelList['provider'],
    demo,
    defaultModel,
    models: models.map((entry: unknown): LlmModelInfo => {
      const { id, name, promptUsdPerToken, completionUsdPerToken } = (entry ?? {}) as Record<
        string,
        unknown
      >;
      if (typeof id !== 'string' || !id) {
        throw new ProjectResponseError(what);
      }
      return {
        id,
        name: typeof name === 'string' ? name : null,
        promptUsdPerToken: price(promptUsdPerToken),
        completionUsdPerToken: price(completionUsdPerToken),
      };
    }),
  };
}

/** "$3.00 / $15.00 per M tokens" (prompt / completion), or null without prices. */
export function priceLabel(model: LlmModelInfo): string | null {
  const { promptUsdPerToken: prompt, completionUsdPerToken: completion } = model;
  if (prompt === null || completion === null) {
    return null;
  }
  if (prompt === 0 && completion === 0) {
    return 'free';
  }
  const perMillion = (usd: number) => `$${(usd * 1_000_000).toFixed(2)}`;
  return `${perMillion(prompt)} / ${perMillion(completion)} per M tokens`;
}

/** "12.3k tokens · $0.041": a usage total for people; cost only when known. */
export function usageLabel(tokens: number, costUsd: number | null): string {
  const count =
    tokens >= 1_000_000
      ? `${(tokens / 1_000_000).toFixed(1)}M`
      : tokens >= 1_000
        ? `${(tokens / 1_000).toFixed(1)}k`
        : String(tokens);
  const cost =
    costUsd === null
      ? ''
      : ` · $${costUsd < 0.01 && costUsd > 0 ? costUsd.toFixed(4) : costUsd.toFixed(2)}`;
  return `${count} tokens${cost}`;
}
