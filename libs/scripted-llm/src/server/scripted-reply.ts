import { type ChatMessage } from './chat-message';

/** What the model says: text cut into chunks, or explicit chunks. */
export interface StreamedText {
  /** Cut into chunks of `chunkSize` characters (the reply's, else the server's). */
  text?: string;
  /** Explicit chunks, sent as they are; wins over `text`. */
  chunks?: string[];
  chunkSize?: number;
  /** Pace of the chunks; leave out for "as fast as the socket takes them". */
  chunksPerSecond?: number;
  /** Default 'stop'. null: the stream ends ([DONE]) with no chunk carrying a finish_reason,
   * as a provider that was cut off upstream sends it. */
  finishReason?: 'stop' | 'length' | 'content_filter' | null;
  /** Overrides the estimated counts (estimates are characters / 4). */
  usage?: { promptTokens?: number; completionTokens?: number };
}

/** An HTTP error instead of an answer (429 carries `retry-after`). */
export interface HttpFault {
  fault: 'http';
  /** 400–599. */
  status: number;
  message?: string;
  /** The `code` of the error body; defaults by status (e.g. rate_limit_exceeded for 429). */
  code?: string;
  /** Sent as `retry-after`; default 0 for 429 (so SDK retries are instant), absent otherwise. */
  retryAfterSeconds?: number;
  /** Sent as `x-should-retry`, which the openai SDK obeys; leave out to let it decide by status. */
  retryable?: boolean;
  headers?: Record<string, string>;
}

/** The socket is destroyed after `afterChunks` content chunks (or before any response). */
export interface DropFault extends StreamedText {
  fault: 'drop';
  afterChunks?: number;
  /** Destroy the socket before the status line: the client sees a connection error. */
  beforeHeaders?: boolean;
}

/** Nothing is sent for `ms` milliseconds (or ever), then the stream goes on or ends. */
export interface StallFault extends StreamedText {
  fault: 'stall';
  afterChunks?: number;
  /** Stall before the status line, where the SDK's own `timeout` applies. */
  beforeHeaders?: boolean;
  /** Leave out to stall until the client goes away or the server closes. */
  ms?: number;
  /** After the stall: go on with the rest (default), end the response cleanly without a
   * finish_reason or [DONE] ('close'), or destroy the socket ('drop'). */
  then?: 'continue' | 'close' | 'drop';
}

/** An `data: {"error": …}` event mid-stream, as OpenRouter sends when a provider fails. */
export interface ErrorEventFault extends StreamedText {
  fault: 'error-event';
  afterChunks?: number;
  message?: string;
  code?: string;
}

/** One scripted answer. A bare string is `{ text }`. */
export type ScriptedReply =
  | string
  | (StreamedText & { fault?: undefined })
  | HttpFault
  | DropFault
  | StallFault
  | ErrorEventFault;

/** A chat-completion request as the script sees it. */
export interface ScriptedRequest {
  /** 0-based, counting every valid chat-completion request this server received. */
  index: number;
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** `stream_options.include_usage` */
  includeUsage: boolean;
  /** The whole parsed body (temperature, max_tokens, …). */
  body: Record<string, unknown>;
  /** Lower-case names; the Authorization value is replaced by '[redacted]'. */
  headers: Record<string, string>;
}

/** Decides each answer; `index` is the same as `request.index`. */
export type ScriptedHandler = (
  request: ScriptedRequest,
  index: number,
) => ScriptedReply | Promise<ScriptedReply>;

export interface ReplyQueueOptions {
  /** After the last reply: 'error' (default) answers a non-retryable 500 with code
   * script_exhausted, so a test fails loudly; 'repeat-last' keeps giving the last reply. */
  whenExhausted?: 'error' | 'repeat-last';
}

/** A handler that gives the replies in order, one per request: `[{ fault: 'http', status: 500 }, 'ok']`. */
export function replyQueue(
  replies: readonly ScriptedReply[],
  options: ReplyQueueOptions = {},
): ScriptedHandler {
  let next = 0;
  return (request) => {
    if (next < replies.length) {
      return replies[next++];
    }
    if (options.whenExhausted === 'repeat-last' && replies.length > 0) {
      return replies[replies.length - 1];
    }
    return {
      fault: 'http',
      status: 500,
      retryable: false,
      code: 'script_exhausted',
      message: `scripted LLM: the script holds ${replies.length} replies and request #${request.index} asked for one more`,
    };
  };
}
