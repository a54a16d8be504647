import OpenAI, { APIConnectionError, APIError } from 'openai';
import { type ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { LlmError, LlmErrorCode } from './llm-error';
import { createNodeFetch, type NodeFetch } from './node-fetch';
import { chatCompletionChunks } from './sse-chunks';

export type LlmRole = 'design' | 'code';

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** USD, when the provider reports it (OpenRouter does). */
  costUsd: number | null;
}

export interface LlmCall {
  role: LlmRole;
  /** The project the call works for, for the usage record. */
  projectId: string;
  /** The request's chosen model; the role's configured model when absent. */
  model?: string;
  messages: ChatCompletionMessageParam[];
  signal: AbortSignal;
  /** Receives the answer as it streams; awaited, so a slow consumer slows the read. */
  onDelta?: (text: string) => void | Promise<void>;
}

export interface LlmAnswer {
  text: string;
  model: string;
  usage: LlmUsage | null;
}

export interface LlmClientOptions {
  baseURL: string;
  apiKey: string;
  models: Record<LlmRole, string>;
  callTimeoutMs: number;
  silenceTimeoutMs: number;
  /** Ask OpenRouter for the cost of each call. */
  reportCost: boolean;
  /** Called once per attempt that got usage figures, failed or not. */
  onUsage?: (
    call: { projectId: string; role: LlmRole; model: string },
    usage: LlmUsage,
  ) => void | Promise<void>;
}

/** The wait a 429 or 503 asks for, in seconds or as an HTTP date; undefined when unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Number(value) * 1000;
  }
  // An HTTP date names its day and month; Date.parse would take "-5" for a year.
  if (!/[a-z]{3}/i.test(value)) {
    return undefined;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps whatever the SDK or the socket threw to an LlmError that says whether to retry. */
function classify(
  error: unknown,
  cut: 'silence' | 'timeout' | null,
  signal: AbortSignal,
  limits: string,
): LlmError {
  // An aborted, silenced or timed-out stream may end quietly or throw anything: the cause decides.
  if (signal.aborted) {
    return LlmError.aborted();
  }
  if (cut === 'silence') {
    return new LlmError(LlmErrorCode.Silence, `the model stopped sending (${limits})`, true);
  }
  if (cut === 'timeout') {
    return new LlmError(LlmErrorCode.Timeout, `the call took too long (${limits})`, true);
  }
  if (error instanceof LlmError) {
    return error;
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    if (status === 429) {
      return new LlmError(
        LlmErrorCode.RateLimited,
        `rate limited by the LLM provider (429)`,
        true,
        retryAfterMs(error.headers?.get?.('retry-after')),
      );
    }
    if (status === 408 || status >= 500) {
      return new LlmError(
        LlmErrorCode.ServerError,
        `the LLM provider failed (${status})`,
        true,
        status === 503 ? retryAfterMs(error.headers?.get?.('retry-after')) : undefined,
      );
    }
    return new LlmError(
      LlmErrorCode.Rejected,
      `the LLM provider refused the call (${status}): ${error.message}`,
      false,
    );
  }
  if (error instanceof APIConnectionError) {
    return new LlmError(
      LlmErrorCode.Connection,
      `could not reach the LLM provider: ${error.message}`,
      true,
    );
  }
  // A stream cut mid-way surfaces as a plain error from the socket or the SSE decoder.
  return new LlmError(
    LlmErrorCode.Connection,
    `the LLM stream broke: ${(error as Error)?.message ?? error}`,
    true,
  );
}

/**
 * One streamed chat completion per call on the openai SDK, against OpenRouter or any
 * OpenAI-compatible server. The SDK's own retries are off: the agent retries whole attempts
 * (withRetries), because a stream cut mid-way has to be redone from the start. The SDK fetches
 * over node:http (node-fetch.ts) and the answer's body is decoded by sse-chunks.ts, both for
 * the runner's CPU with hundreds of streams open (bench/live-link/README.md).
 */
export class LlmClient {
  private readonly client: OpenAI;
  private readonly http: NodeFetch = createNodeFetch();

  constructor(private readonly options: LlmClientOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      maxRetries: 0,
      timeout: options.callTimeoutMs,
      fetch: this.http.fetch,
    });
  }

  /** Closes the idle connections to the provider. */
  close(): void {
    this.http.close();
  }

  model(role: LlmRole): string {
    return this.options.models[role];
  }

  async complete(call: LlmCall): Promise<LlmAnswer> {
    const model = call.model ?? this.model(call.role);
    const controller = new AbortController();
    const abort = () => controller.abort();
    call.signal.addEventListener('abort', abort, { once: true });
    let cut: 'silence' | 'timeout' | null = null;
    let silenceTimer: NodeJS.Timeout | undefined;
    // One timer for the whole call, pushed back on every chunk (refresh, not a new timer).
    const armSilence = () => {
      if (silenceTimer) {
        silenceTimer.refresh();
        return;
      }
      silenceTimer = setTimeout(() => {
        cut = 'silence';
        controller.abort();
      }, this.options.silenceTimeoutMs);
    };
    const callTimer = setTimeout(() => {
      cut = 'timeout';
      controller.abort();
    }, this.options.callTimeoutMs);
    let text = '';
    let usage: LlmUsage | null = null;
    let finished = false;
    let readToEnd = false;
    try {
      armSilence();
      const body = {
        model,
        messages: call.messages,
        stream: true as const,
        stream_options: { include_usage: true },
        ...(this.options.reportCost ? { usage: { include: true } } : {}),
      };
      // The SDK makes the call and turns a refusal into an APIError; the body is read here.
      const response = await this.client.chat.completions
        .create(body, { signal: controller.signal })
        .asResponse();
      if (!response.body) {
        throw new LlmError(LlmErrorCode.Truncated, 'the LLM sent no answer', true);
      }
      for await (const chunk of chatCompletionChunks(response.body, response.headers)) {
        armSilence();
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          await call.onDelta?.(delta);
        }
        if (choice?.finish_reason) {
          finished = true;
        }
        if (chunk.usage) {
          const cost = (chunk.usage as { cost?: unknown }).cost;
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
            costUsd: typeof cost === 'number' ? cost : null,
          };
        }
      }
      readToEnd = true;
      // A stream that ends without a finish reason was cut, even if it closed cleanly.
      if (!finished) {
        throw new LlmError(
          LlmErrorCode.Truncated,
          'the LLM stream ended before the answer did',
          true,
        );
      }
      return { text, model, usage };
    } catch (error) {
      const limits =
        cut === 'silence'
          ? `LLM_SILENCE_TIMEOUT_MS=${this.options.silenceTimeoutMs}`
          : `LLM_CALL_TIMEOUT_MS=${this.options.callTimeoutMs}`;
      throw classify(error, cut, call.signal, limits);
    } finally {
      // Ends the request if the answer was not read to its end (a consumer's error); a
      // connection read to its end goes back to the keep-alive pool.
      if (!readToEnd) {
        controller.abort();
      }
      clearTimeout(silenceTimer);
      clearTimeout(callTimer);
      call.signal.removeEventListener('abort', abort);
      if (usage) {
        await this.options.onUsage?.({ projectId: call.projectId, role: call.role, model }, usage);
      }
    }
  }
}
