import { type HttpFault, type ScriptedReply } from './scripted-reply';
import { ScriptedLlmError } from './scripted-llm-error';
import { type FinishReason } from './wire-format';

/** Where a drop, stall or error event cuts into the stream. */
export interface Interruption {
  kind: 'drop' | 'stall' | 'error-event';
  /** Content chunks sent before it happens. */
  afterChunks: number;
  beforeHeaders: boolean;
  /** Stall length; undefined stalls until the client or the server goes away. */
  ms?: number;
  then: 'continue' | 'close' | 'drop';
  message: string;
  code: string;
}

/** A reply checked and cut into what the writer sends. */
export type ReplyPlan =
  | { kind: 'http'; fault: HttpFault }
  | {
      kind: 'text' | 'drop' | 'stall' | 'error-event';
      chunks: string[];
      /** Pause between chunks in ms; 0 sends them as fast as the socket takes them. */
      intervalMs: number;
      /** null: no chunk carries a finish_reason. */
      finishReason: FinishReason | null;
      promptTokens?: number;
      completionTokens?: number;
      interruption?: Interruption;
    };

export interface PacingDefaults {
  chunkSize: number;
  chunksPerSecond?: number;
}

function invalid(message: string): never {
  throw new ScriptedLlmError('INVALID_REPLY', `invalid scripted reply: ${message}`);
}

function checkCount(name: string, value: number | undefined): number {
  if (value === undefined) {
    return 0;
  }
  if (!Number.isInteger(value) || value < 0) {
    invalid(`${name} must be an integer >= 0, got ${value}`);
  }
  return value;
}

/** Validates pacing options; shared by the server options and the replies. */
export function checkPacing(chunkSize: number, chunksPerSecond: number | undefined): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    invalid(`chunkSize must be an integer >= 1, got ${chunkSize}`);
  }
  if (chunksPerSecond !== undefined && !(chunksPerSecond > 0)) {
    invalid(`chunksPerSecond must be > 0 (leave it out for no pacing), got ${chunksPerSecond}`);
  }
}

/** Cuts text into chunks of `size` code points, so no surrogate pair is split. */
export function splitIntoChunks(text: string, size: number): string[] {
  const codePoints = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < codePoints.length; i += size) {
    chunks.push(codePoints.slice(i, i + size).join(''));
  }
  return chunks;
}

export function planReply(reply: ScriptedReply, defaults: PacingDefaults): ReplyPlan {
  const item = typeof reply === 'string' ? { text: reply } : reply;
  if (typeof item !== 'object' || item === null) {
    invalid(`expected a string or an object`);
  }
  if (item.fault === 'http') {
    if (!Number.isInteger(item.status) || item.status < 400 || item.status > 599) {
      invalid(`an http fault needs a status from 400 to 599, got ${item.status}`);
    }
    if (item.retryAfterSeconds !== undefined && !(item.retryAfterSeconds >= 0)) {
      invalid(`retryAfterSeconds must be >= 0, got ${item.retryAfterSeconds}`);
    }
    return { kind: 'http', fault: item };
  }
  const fault: string | undefined = item.fault;
  if (fault !== undefined && fault !== 'drop' && fault !== 'stall' && fault !== 'error-event') {
    invalid(`unknown fault "${fault}" (expected http, drop, stall or error-event)`);
  }
  const chunkSize = item.chunkSize ?? defaults.chunkSize;
  const chunksPerSecond = item.chunksPerSecond ?? defaults.chunksPerSecond;
  checkPacing(chunkSize, chunksPerSecond);
  if (item.chunks !== undefined && !item.chunks.every((chunk) => typeof chunk === 'string')) {
    invalid('chunks must be strings');
  }
  const chunks = item.chunks ?? splitIntoChunks(item.text ?? '', chunkSize);
  const base = {
    chunks,
    intervalMs: chunksPerSecond === undefined ? 0 : 1000 / chunksPerSecond,
    finishReason: item.finishReason === undefined ? 'stop' : item.finishReason,
    promptTokens: item.usage?.promptTokens,
    completionTokens: item.usage?.completionTokens,
  } as const;
  if (item.fault === undefined) {
    return { kind: 'text', ...base };
  }
  const interruption: Interruption = {
    kind: item.fault,
    afterChunks: checkCount('afterChunks', item.afterChunks),
    beforeHeaders: item.fault !== 'error-event' && item.beforeHeaders === true,
    then: 'drop',
    message: 'scripted stream error',
    code: 'provider_error',
  };
  if (item.fault === 'stall') {
    if (item.ms !== undefined) {
      interruption.ms = checkCount('ms', item.ms);
    }
    interruption.then = item.then ?? 'continue';
  }
  if (item.fault === 'error-event') {
    interruption.message = item.message ?? interruption.message;
    interruption.code = item.code ?? interruption.code;
  }
  return { kind: item.fault, ...base, interruption };
}
