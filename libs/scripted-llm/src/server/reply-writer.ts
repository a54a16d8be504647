import { type ServerResponse } from 'node:http';
import { type HttpFault } from './scripted-reply';
import { type Interruption, type ReplyPlan } from './reply-plan';
import {
  chunkObject,
  completionObject,
  contentChunkEncoder,
  defaultErrorCode,
  errorBody,
  errorTypeFor,
  estimateTokens,
  newCompletionIdentity,
  sseData,
  usageChunkObject,
  usageOf,
  type TokenUsage,
} from './wire-format';

/** How a request ended, from the server's side. */
export type RequestOutcome =
  | 'pending'
  | 'completed'
  | 'http-error'
  | 'dropped'
  | 'closed-early'
  | 'error-event'
  | 'client-aborted'
  | 'server-closed'
  | 'script-error';

/** Why a reply was stopped from outside: the client went away or the server is closing. */
export type StopReason = 'client-aborted' | 'server-closed';

export interface ReplyTarget {
  res: ServerResponse;
  /** Aborted with a StopReason as its reason. */
  signal: AbortSignal;
  model: string;
  stream: boolean;
  includeUsage: boolean;
  promptText: string;
  /** Counts content chunks as they are written. */
  onChunk(): void;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendHttpFault(res: ServerResponse, fault: HttpFault): RequestOutcome {
  const headers: Record<string, string> = {};
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 0 : undefined);
  if (retryAfter !== undefined) {
    headers['retry-after'] = String(retryAfter);
  }
  if (fault.retryable !== undefined) {
    headers['x-should-retry'] = String(fault.retryable);
  }
  const message = fault.message ?? `scripted HTTP ${fault.status} fault`;
  const code = fault.code ?? defaultErrorCode(fault.status);
  sendJson(res, fault.status, errorBody(message, errorTypeFor(fault.status), code), {
    ...headers,
    ...fault.headers,
  });
  return 'http-error';
}

/**
 * Waits and writes for one reply under a single abort listener. A paced stream waits twice a
 * chunk; adding and removing an AbortSignal listener for each wait was most of this server's
 * own work per chunk with hundreds of streams open (bench/live-link). One wait at a time.
 */
class ReplyIo {
  /** Ends the wait in progress (once; a late callback of a wait already over does nothing). */
  private current: ((finished: boolean) => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => {
    clearTimeout(this.timer);
    this.current?.(false);
  };

  constructor(readonly target: ReplyTarget) {
    target.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True after `ms` (undefined: never), false as soon as the reply is stopped. */
  pause(ms: number | undefined): Promise<boolean> {
    return this.wait((done) => {
      if (ms !== undefined) {
        this.timer = setTimeout(() => done(true), ms);
      }
    });
  }

  /** A turn of the event loop, so that a client that went away is noticed. */
  turn(): Promise<boolean> {
    return this.wait((done) => setImmediate(() => done(true)));
  }

  /**
   * Writes and waits until the data is handed to the socket, so that a scripted drop right
   * after cannot discard chunks still queued; false when the client or the server stopped
   * the reply.
   */
  write(data: string): Promise<boolean> {
    if (this.target.res.destroyed) {
      return Promise.resolve(false);
    }
    return this.wait((done) => this.target.res.write(data, (error) => done(!error)));
  }

  close(): void {
    clearTimeout(this.timer);
    this.target.signal.removeEventListener('abort', this.onAbort);
  }

  private wait(start: (done: (finished: boolean) => void) => void): Promise<boolean> {
    if (this.target.signal.aborted) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const done = (finished: boolean) => {
        if (this.current !== done) {
          return;
        }
        this.current = null;
        resolve(finished);
      };
      this.current = done;
      start(done);
    });
  }
}

function stopped(target: ReplyTarget): RequestOutcome {
  return target.signal.reason === 'server-closed' ? 'server-closed' : 'client-aborted';
}

type TextPlan = Exclude<ReplyPlan, { kind: 'http' }>;

function usageFor(plan: TextPlan, target: ReplyTarget): TokenUsage {
  return usageOf(
    plan.promptTokens ?? estimateTokens(target.promptText),
    plan.completionTokens ?? estimateTokens(plan.chunks.join('')),
  );
}

/** Runs a stall; returns an outcome when the reply ends there, or null to go on. */
async function stall(io: ReplyIo, cut: Interruption): Promise<RequestOutcome | null> {
  const { target } = io;
  if (!(await io.pause(cut.ms))) {
    return stopped(target);
  }
  if (cut.then === 'continue') {
    return null;
  }
  if (cut.then === 'drop' || !target.stream) {
    target.res.destroy();
    return 'dropped';
  }
  if (!target.res.headersSent) {
    target.res.writeHead(200, SSE_HEADERS);
  }
  target.res.end();
  return 'closed-early';
}

export async function sendReply(target: ReplyTarget, plan: ReplyPlan): Promise<RequestOutcome> {
  if (plan.kind === 'http') {
    return sendHttpFault(target.res, plan.fault);
  }
  const io = new ReplyIo(target);
  try {
    return await (target.stream ? streamReply(io, plan) : answerReply(io, plan));
  } finally {
    io.close();
  }
}

/** stream: false — the whole answer as one JSON body; cuts act before the body. */
async function answerReply(io: ReplyIo, plan: TextPlan): Promise<RequestOutcome> {
  const { target } = io;
  const cut = plan.interruption;
  if (cut?.kind === 'drop') {
    target.res.destroy();
    return 'dropped';
  }
  if (cut?.kind === 'error-event') {
    sendJson(target.res, 500, errorBody(cut.message, 'server_error', cut.code));
    return 'error-event';
  }
  if (cut?.kind === 'stall') {
    const ended = await stall(io, cut);
    if (ended) {
      return ended;
    }
  }
  const identity = newCompletionIdentity(target.model);
  const body = completionObject(
    identity,
    plan.chunks.join(''),
    // A whole answer always says how it ended; null only leaves the stream's finish chunk out.
    plan.finishReason ?? 'stop',
    usageFor(plan, target),
  );
  sendJson(target.res, 200, body);
  return 'completed';
}

async function streamReply(io: ReplyIo, plan: TextPlan): Promise<RequestOutcome> {
  const { target } = io;
  const { res } = target;
  const cut = plan.interruption;
  if (cut?.beforeHeaders) {
    if (cut.kind === 'drop') {
      res.destroy();
      return 'dropped';
    }
    const ended = await stall(io, cut);
    if (ended) {
      return ended;
    }
  }
  const identity = newCompletionIdentity(target.model);
  const usageField = target.includeUsage ? null : undefined;
  const contentChunk = contentChunkEncoder(identity, usageField);
  res.writeHead(200, SSE_HEADERS);
  if (
    !(await io.write(
      sseData(chunkObject(identity, { role: 'assistant', content: '' }, null, usageField)),
    ))
  ) {
    return stopped(target);
  }
  const cutAt = cut && !cut.beforeHeaders ? Math.min(cut.afterChunks, plan.chunks.length) : -1;
  for (let i = 0; i <= plan.chunks.length; i++) {
    if (i === cutAt && cut) {
      if (cut.kind === 'drop') {
        res.destroy();
        return 'dropped';
      }
      if (cut.kind === 'error-event') {
        await io.write(sseData(errorBody(cut.message, 'server_error', cut.code)));
        res.end();
        return 'error-event';
      }
      const ended = await stall(io, cut);
      if (ended) {
        return ended;
      }
    }
    if (i === plan.chunks.length) {
      break;
    }
    // Pacing, or a turn of the event loop so a client that went away is noticed.
    const paused = i > 0 && plan.intervalMs > 0 ? await io.pause(plan.intervalMs) : await io.turn();
    if (!paused) {
      return stopped(target);
    }
    if (!(await io.write(contentChunk(plan.chunks[i]!)))) {
      return stopped(target);
    }
    target.onChunk();
  }
  if (plan.finishReason !== null) {
    const finish = chunkObject(identity, {}, plan.finishReason, usageField);
    if (!(await io.write(sseData(finish)))) {
      return stopped(target);
    }
  }
  if (target.includeUsage) {
    const usage = usageChunkObject(identity, usageFor(plan, target));
    if (!(await io.write(sseData(usage)))) {
      return stopped(target);
    }
  }
  if (!(await io.write(sseData('[DONE]')))) {
    return stopped(target);
  }
  res.end();
  return 'completed';
}
