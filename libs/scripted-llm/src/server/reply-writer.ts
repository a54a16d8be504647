import { type ServerResponse } from 'node:http';
import { type HttpFault } from './scripted-reply';
import { type Interruption, type ReplyPlan } from './reply-plan';
import {
  chunkObject,
  completionObject,
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
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (fault.retryable !== undefined) headers['x-should-retry'] = String(fault.retryable);
  const message = fault.message ?? `scripted HTTP ${fault.status} fault`;
  const code = fault.code ?? defaultErrorCode(fault.status);
  sendJson(res, fault.status, errorBody(message, errorTypeFor(fault.status), code), {
    ...headers,
    ...fault.headers,
  });
  return 'http-error';
}

/** Resolves true after `ms`, or false as soon as the signal aborts; the timer never outlives it. */
function pause(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(() => settle(true), ms);
    const onAbort = () => settle(false);
    function settle(finished: boolean) {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(finished);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Writes and waits until the data is handed to the socket, so that a scripted drop right after
 * cannot discard chunks still queued; false when the client or the server stopped the reply.
 */
function write(target: ReplyTarget, data: string): Promise<boolean> {
  const { res, signal } = target;
  if (signal.aborted || res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => settle(false);
    function settle(ok: boolean) {
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(data, (error) => settle(!error));
  });
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
async function stall(target: ReplyTarget, cut: Interruption): Promise<RequestOutcome | null> {
  if (!(await pause(cut.ms, target.signal))) return stopped(target);
  if (cut.then === 'continue') return null;
  if (cut.then === 'drop' || !target.stream) {
    target.res.destroy();
    return 'dropped';
  }
  if (!target.res.headersSent) target.res.writeHead(200, SSE_HEADERS);
  target.res.end();
  return 'closed-early';
}

export async function sendReply(target: ReplyTarget, plan: ReplyPlan): Promise<RequestOutcome> {
  if (plan.kind === 'http') return sendHttpFault(target.res, plan.fault);
  return target.stream ? streamReply(target, plan) : answerReply(target, plan);
}

/** stream: false — the whole answer as one JSON body; cuts act before the body. */
async function answerReply(target: ReplyTarget, plan: TextPlan): Promise<RequestOutcome> {
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
    const ended = await stall(target, cut);
    if (ended) return ended;
  }
  const identity = newCompletionIdentity(target.model);
  const body = completionObject(
    identity,
    plan.chunks.join(''),
    plan.finishReason,
    usageFor(plan, target),
  );
  sendJson(target.res, 200, body);
  return 'completed';
}

async function streamReply(target: ReplyTarget, plan: TextPlan): Promise<RequestOutcome> {
  const { res } = target;
  const cut = plan.interruption;
  if (cut?.beforeHeaders) {
    if (cut.kind === 'drop') {
      res.destroy();
      return 'dropped';
    }
    const ended = await stall(target, cut);
    if (ended) return ended;
  }
  const identity = newCompletionIdentity(target.model);
  const usageField = target.includeUsage ? null : undefined;
  res.writeHead(200, SSE_HEADERS);
  if (
    !(await write(
      target,
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
        await write(target, sseData(errorBody(cut.message, 'server_error', cut.code)));
        res.end();
        return 'error-event';
      }
      const ended = await stall(target, cut);
      if (ended) return ended;
    }
    if (i === plan.chunks.length) break;
    // Pacing, or a turn of the event loop so a client that went away is noticed.
    const paused =
      i > 0 && plan.intervalMs > 0
        ? await pause(plan.intervalMs, target.signal)
        : await new Promise<boolean>((resolve) =>
            setImmediate(() => resolve(!target.signal.aborted)),
          );
    if (!paused) return stopped(target);
    const chunk = chunkObject(identity, { content: plan.chunks[i] }, null, usageField);
    if (!(await write(target, sseData(chunk)))) return stopped(target);
    target.onChunk();
  }
  const finish = chunkObject(identity, {}, plan.finishReason, usageField);
  if (!(await write(target, sseData(finish)))) return stopped(target);
  if (target.includeUsage) {
    const usage = usageChunkObject(identity, usageFor(plan, target));
    if (!(await write(target, sseData(usage)))) return stopped(target);
  }
  if (!(await write(target, sseData('[DONE]')))) return stopped(target);
  res.end();
  return 'completed';
}
