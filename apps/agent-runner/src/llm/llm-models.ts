/** OpenRouter's model when none is named (its ids are `vendor/model`). */
export const OPENROUTER_DEFAULT_MODEL = 'anthropic/claude-sonnet-4.5';
/** Longest wait for an OpenAI-compatible server's model list at start-up. */
export const MODEL_LIST_TIMEOUT_MS = 10_000;

export interface ModelNames {
  design: string;
  code: string;
}

/** A start-up stopped for want of a model name, with what to set. */
export class LlmModelError extends Error {}

/**
 * The models the runner asks for. OpenRouter: the named ones, else OPENROUTER_DEFAULT_MODEL.
 * Any other OpenAI-compatible server (LLM_BASE_URL): the named ones, else the first model the
 * server lists at GET /models — never another provider's model id, which such a server would
 * refuse on the first request. No list, or an empty one, stops the start naming LLM_MODEL_CODE.
 * The design model defaults to the code model.
 */
export async function resolveModels(
  named: { design?: string | null; code?: string | null },
  server: { kind: 'openrouter' | 'openai-compatible'; baseURL: string; apiKey: string },
  timeoutMs = MODEL_LIST_TIMEOUT_MS,
): Promise<ModelNames> {
  let code = named.code ?? named.design ?? undefined;
  if (!code && server.kind === 'openrouter') {
    code = OPENROUTER_DEFAULT_MODEL;
  }
  code ??= await firstListedModel(server.baseURL, server.apiKey, timeoutMs);
  return { design: named.design ?? code, code };
}

async function firstListedModel(baseURL: string, apiKey: string, timeoutMs: number) {
  const url = `${baseURL.replace(/\/+$/, '')}/models`;
  const stop = (why: string) =>
    new LlmModelError(
      `LLM_BASE_URL is set but no model is named, and ${why}: set LLM_MODEL_CODE (and LLM_MODEL_DESIGN if another model should design) to one of that server's models`,
    );
  let body: unknown;
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      throw stop(`GET ${url} answered ${response.status}`);
    }
    body = await response.json();
  } catch (error) {
    if (error instanceof LlmModelError) {
      throw error;
    }
    throw stop(`GET ${url} failed (${(error as Error).message})`);
  }
  const data = (body as { data?: unknown } | null)?.data;
  const first = Array.isArray(data)
    ? data.find(
        (model): model is { id: string } => typeof model?.id === 'string' && model.id !== '',
      )
    : undefined;
  if (!first) {
    throw stop(`GET ${url} lists no model`);
  }
  return first.id;
}
