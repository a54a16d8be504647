import { z } from 'zod';

/** Longest model id a request may name (OpenRouter's are under 100 characters). */
export const MODEL_ID_MAX_LENGTH = 200;

/** A model id as a request names it. */
export const ModelIdSchema = z
  .string({ message: 'model must be a model id' })
  .trim()
  .min(1, { message: 'model is empty' })
  .max(MODEL_ID_MAX_LENGTH, { message: `model is longer than ${MODEL_ID_MAX_LENGTH} characters` });

/** One model the configured LLM server lists, with its prices when the server gives them. */
export const LlmModelInfoSchema = z.object({
  id: ModelIdSchema,
  /** A name for people, when the server has one. */
  name: z.string().nullable(),
  /** USD per prompt token and per completion token (OpenRouter's pricing), else null. */
  promptUsdPerToken: z.number().nonnegative().nullable(),
  completionUsdPerToken: z.number().nonnegative().nullable(),
});

export type LlmModelInfo = z.infer<typeof LlmModelInfoSchema>;

/**
 * The models a request may choose from: what the configured server lists at GET /models, the
 * one used when a request names none first. `demo`: the offline demo model, no LLM configured.
 */
export const LlmModelListSchema = z.object({
  provider: z.enum(['openrouter', 'openai-compatible', 'demo']),
  demo: z.boolean(),
  defaultModel: ModelIdSchema,
  models: z.array(LlmModelInfoSchema),
});

export type LlmModelList = z.infer<typeof LlmModelListSchema>;

/** A price per token as a number, from OpenRouter's decimal strings; null when unreadable. */
function price(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : null;
}

/**
 * Reads a GET /models answer (OpenAI's `{data: [{id}]}`, OpenRouter's with `name` and
 * `pricing.prompt/completion` per token as strings). Entries without a usable id are skipped;
 * anything else that is not such a list is an error naming what was wrong.
 */
export function parseListedModels(body: unknown): LlmModelInfo[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) {
    throw new Error('the answer has no "data" list of models');
  }
  const seen = new Set<string>();
  const models: LlmModelInfo[] = [];
  for (const entry of data) {
    const id = ModelIdSchema.safeParse((entry as { id?: unknown } | null)?.id);
    if (!id.success || seen.has(id.data)) {
      continue;
    }
    seen.add(id.data);
    const { name, pricing } = entry as { name?: unknown; pricing?: Record<string, unknown> };
    models.push({
      id: id.data,
      name: typeof name === 'string' && name.trim() ? name.trim() : null,
      promptUsdPerToken: price(pricing?.['prompt']),
      completionUsdPerToken: price(pricing?.['completion']),
    });
  }
  return models;
}
