import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { messageText } from './chat-message';
import { DEFAULT_MAX_REQUEST_BODY_BYTES, parseChatRequest, readBody } from './chat-request';
import { checkPacing, planReply, type ReplyPlan } from './reply-plan';
import { sendJson, sendReply, type RequestOutcome, type StopReason } from './reply-writer';
import {
  replyQueue,
  type ScriptedHandler,
  type ScriptedReply,
  type ScriptedRequest,
} from './scripted-reply';
import { ScriptedLlmError } from './scripted-llm-error';
import { errorBody } from './wire-format';

export interface ScriptedLlmServerOptions {
  /** Decides every answer. Give this or `replies`. */
  handler?: ScriptedHandler;
  /** Shorthand for `handler: replyQueue(replies)`. */
  replies?: readonly ScriptedReply[];
  /** Ids listed by GET /v1/models; default ['scripted-llm']. */
  models?: readonly string[];
  /** When set, every request needs `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Characters per chunk when a reply gives text; default 16. */
  chunkSize?: number;
  /** Default pace; leave out to send chunks as fast as the socket takes them. */
  chunksPerSecond?: number;
  /** Default DEFAULT_MAX_REQUEST_BODY_BYTES (16 MiB); larger bodies get a 413. */
  maxRequestBodyBytes?: number;
  /** Keep only the latest requests in `requests` (a long-running server); default: all. */
  maxRecordedRequests?: number;
}

/** A chat-completion request the server received, and how its reply went. */
export interface RecordedRequest extends ScriptedRequest {
  receivedAt: Date;
  /** 'pending' while the reply is being written. */
  outcome: RequestOutcome;
  /** Content chunks written (streaming only). */
  chunksSent: number;
  /** The kind of the script's reply; null when the script failed. */
  replyKind: ReplyPlan['kind'] | null;
  /** What was wrong, for outcome 'script-error'. */
  error?: string;
}

export interface ScriptedLlmServer {
  /** The base URL for the openai SDK, e.g. http://127.0.0.1:41234/v1 */
  readonly url: string;
  readonly port: number;
  /** Valid chat-completion requests in arrival order (a live array; see maxRecordedRequests). */
  readonly requests: readonly RecordedRequest[];
  /** Resolves when no reply is being written (e.g. after a client aborted a stream). */
  whenIdle(): Promise<void>;
  /** Stops every reply (outcome 'server-closed'), drops connections, stops listening. */
  close(): Promise<void>;
}

export const SCRIPTED_LLM_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  chunkSize: 16,
  models: ['scripted-llm'],
  maxRequestBodyBytes: DEFAULT_MAX_REQUEST_BODY_BYTES,
} as const;

const REDACTED = '[redacted]';

function recordHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) {
      continue;
    }
    headers[name] = name === 'authorization' ? REDACTED : [value].flat().join(', ');
  }
  return headers;
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string,
) {
  sendJson(res, status, errorBody(message, type, code));
}

function resolveHandler(options: ScriptedLlmServerOptions): ScriptedHandler {
  if (options.handler && options.replies) {
    throw new ScriptedLlmError('INVALID_OPTION', 'give either handler or replies, not both');
  }
  if (options.handler) {
    return options.handler;
  }
  if (options.replies) {
    return replyQueue(options.replies);
  }
  throw new ScriptedLlmError('INVALID_OPTION', 'give a handler or a list of replies');
}

/** Starts an OpenAI-compatible server whose answers come from a script. */
export async function createScriptedLlmServer(
  options: ScriptedLlmServerOptions,
): Promise<ScriptedLlmServer> {
  const handler = resolveHandler(options);
  const pacing = {
    chunkSize: options.chunkSize ?? SCRIPTED_LLM_DEFAULTS.chunkSize,
    chunksPerSecond: options.chunksPerSecond,
  };
  try {
    checkPacing(pacing.chunkSize, pacing.chunksPerSecond);
  } catch (error) {
    throw new ScriptedLlmError('INVALID_OPTION', (error as Error).message);
  }
  const maxBodyBytes = options.maxRequestBodyBytes ?? SCRIPTED_LLM_DEFAULTS.maxRequestBodyBytes;
  const models = options.models ?? SCRIPTED_LLM_DEFAULTS.models;
  const maxRecorded = options.maxRecordedRequests ?? Infinity;
  if (!(maxRecorded >= 0)) {
    throw new ScriptedLlmError(
      'INVALID_OPTION',
      `maxRecordedRequests must be >= 0, got ${maxRecorded}`,
    );
  }
  const requests: RecordedRequest[] = [];
  let received = 0;
  const controllers = new Set<AbortController>();
  const active = new Set<Promise<void>>();
  let closing = false;
  let closed: Promise<void> | undefined;

  async function handleChat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = parseChatRequest(await readBody(req, maxBodyBytes), maxBodyBytes);
    if ('status' in parsed) {
      return sendError(res, parsed.status, parsed.message, 'invalid_request_error', parsed.code);
    }
    const index = received++;
    const { body, model, messages, stream, includeUsage } = parsed;
    const request: ScriptedRequest = {
      index,
      model,
      messages,
      stream,
      includeUsage,
      body,
      headers: recordHeaders(req),
    };
    const record: RecordedRequest = {
      ...request,
      receivedAt: new Date(),
      outcome: 'pending',
      chunksSent: 0,
      replyKind: null,
    };
    requests.push(record);
    if (requests.length > maxRecorded) {
      requests.shift();
    }
    const controller = new AbortController();
    controllers.add(controller);
    const onClose = () => {
      if (!res.writableFinished) {
        controller.abort('client-aborted' satisfies StopReason);
      }
    };
    res.on('close', onClose);
    try {
      let plan: ReplyPlan;
      try {
        plan = planReply(await handler(request, index), pacing);
      } catch (error) {
        record.outcome = 'script-error';
        record.error = error instanceof Error ? error.message : String(error);
        // x-should-retry: false, so that a broken script fails a test at once.
        sendJson(
          res,
          500,
          errorBody(
            `scripted LLM: the script failed: ${record.error}`,
            'server_error',
            'script_error',
          ),
          { 'x-should-retry': 'false' },
        );
        return;
      }
      record.replyKind = plan.kind;
      record.outcome = await sendReply(
        {
          res,
          signal: controller.signal,
          model,
          stream,
          includeUsage,
          promptText: messages.map(messageText).join('\n'),
          onChunk: () => record.chunksSent++,
        },
        plan,
      );
    } finally {
      controllers.delete(controller);
      res.off('close', onClose);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closing) {
      res.destroy();
      return;
    }
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      req.resume();
      return sendError(
        res,
        401,
        'Incorrect API key provided',
        'authentication_error',
        'invalid_api_key',
      );
    }
    const path = new URL(req.url ?? '/', 'http://scripted-llm').pathname.replace(/\/+$/, '');
    if (path === '/v1/chat/completions') {
      if (req.method === 'POST') {
        return handleChat(req, res);
      }
      req.resume();
      res.setHeader('allow', 'POST');
      return sendError(
        res,
        405,
        `${req.method} is not allowed here`,
        'invalid_request_error',
        'method_not_allowed',
      );
    }
    req.resume();
    if (path === '/v1/models' && req.method === 'GET') {
      const data = models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'forge' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    sendError(res, 404, `no route for ${req.method} ${path}`, 'invalid_request_error', 'not_found');
  }

  const server = createServer((req, res) => {
    const work = route(req, res)
      .catch((error: unknown) => {
        // A bug or a torn connection: answer if we still can, never crash the process.
        if (!res.headersSent && !res.destroyed) {
          const message = error instanceof Error ? error.message : String(error);
          sendError(res, 500, `scripted LLM: ${message}`, 'server_error', 'internal_error');
        } else {
          res.destroy();
        }
      })
      .finally(() => active.delete(work));
    active.add(work);
  });

  const host = options.host ?? SCRIPTED_LLM_DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? SCRIPTED_LLM_DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  async function whenIdle(): Promise<void> {
    while (active.size > 0) {
      await Promise.allSettled([...active]);
    }
  }

  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    requests,
    whenIdle,
    close() {
      closed ??= (async () => {
        closing = true;
        for (const controller of controllers) {
          controller.abort('server-closed' satisfies StopReason);
        }
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await Promise.all([stopped, whenIdle()]);
      })();
      return closed;
    },
  };
}
