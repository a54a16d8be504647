import { randomBytes } from 'node:crypto';
// Type-only: the wire objects are checked against the SDK's own types at compile time.
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';

/** Token counts are estimates: no tokenizer, one token per this many characters (rounded up). */
export const CHARS_PER_TOKEN_ESTIMATE = 4;

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter';

/** What every chunk of one completion shares. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE);
}

export function usageOf(promptTokens: number, completionTokens: number): TokenUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

export function newCompletionIdentity(model: string): CompletionIdentity {
  return {
    id: `chatcmpl-${randomBytes(12).toString('hex')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

/**
 * One streamed chunk. With include_usage, OpenAI sends `usage: null` on every chunk and the
 * counts on one last chunk whose choices are empty; `usage` undefined leaves the field out.
 */
export function chunkObject(
  identity: CompletionIdentity,
  delta: { role?: 'assistant'; content?: string },
  finishReason: FinishReason | null,
  usage: TokenUsage | null | undefined,
): ChatCompletionChunk {
  return {
    ...identity,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(usage === undefined ? {} : { usage }),
  } satisfies ChatCompletionChunk;
}

/**
 * Encodes the content chunks of one completion as SSE events, what they share serialised once:
 * a paced stream of hundreds of chunks need not rebuild and stringify the whole chunk each time.
 * The result is the same as `sseData(chunkObject(identity, { content }, null, usage))`.
 */
export function contentChunkEncoder(
  identity: CompletionIdentity,
  usage: TokenUsage | null | undefined,
): (content: string) => string {
  const marker = '\u0000forge-content\u0000';
  const [before, after, ...rest] = sseData(
    chunkObject(identity, { content: marker }, null, usage),
  ).split(JSON.stringify(marker));
  if (after === undefined || rest.length > 0) {
    return (content) => sseData(chunkObject(identity, { content }, null, usage));
  }
  return (content) => before + JSON.stringify(content) + after;
}

export function usageChunkObject(
  identity: CompletionIdentity,
  usage: TokenUsage,
): ChatCompletionChunk {
  return {
    ...identity,
    object: 'chat.completion.chunk',
    choices: [],
    usage,
  } satisfies ChatCompletionChunk;
}

export function completionObject(
  identity: CompletionIdentity,
  content: string,
  finishReason: FinishReason,
  usage: TokenUsage,
): ChatCompletion {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  } satisfies ChatCompletion;
}

/** The error body OpenAI-compatible servers send; the SDK reads `error.message` and `code`. */
export function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

/** The `type` OpenAI gives errors of a status. */
export function errorTypeFor(status: number): string {
  if (status === 401) {
    return 'authentication_error';
  }
  if (status === 429) {
    return 'rate_limit_error';
  }
  if (status >= 500) {
    return 'server_error';
  }
  return 'invalid_request_error';
}

/** The `code` used when a fault does not name one. */
export function defaultErrorCode(status: number): string {
  if (status === 429) {
    return 'rate_limit_exceeded';
  }
  if (status === 503) {
    return 'service_unavailable';
  }
  if (status >= 500) {
    return 'internal_error';
  }
  return 'invalid_request';
}

export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}
