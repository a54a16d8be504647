import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import {
  RUNTIME_ERROR_LIMITS,
  type RuntimeErrorReport,
  RuntimeErrorReportsSchema,
} from '@forge/protocol';
import { REPORTER_SCRIPT } from './preview-reporter';

/** Receives the errors a project's preview reported; a rejection answers the browser 502. */
export type RuntimeErrorsHook = (projectId: string, errors: RuntimeErrorReport[]) => Promise<void>;

export interface RateLimit {
  /** Requests allowed per key within the window; more are answered 429. */
  max: number;
  windowMs: number;
  /** The setting it comes from, named in the 429's message. */
  name?: string;
}

/** Fixed windows per key, in memory (one server process; another replica counts its own). */
export class WindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(readonly limit: RateLimit) {}

  /** Counts one request; answers the seconds to wait when it is over the limit, else 0. */
  take(key: string, now: number): number {
    if (this.windows.size > 10_000) {
      this.forgetOld(now);
    }
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.limit.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit.max) {
      return 0;
    }
    return Math.max(1, Math.ceil((window.start + this.limit.windowMs - now) / 1000));
  }

  private forgetOld(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.limit.windowMs) {
        this.windows.delete(key);
      }
    }
  }
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** GET /__forge/reporter.js: the script every preview page loads first. */
export function sendReporterScript(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(res, 405, 'Only GET is allowed here.\n', { allow: 'GET, HEAD' });
  }
  res.writeHead(200, {
    'content-type': 'text/javascript; charset=utf-8',
    'content-length': Buffer.byteLength(REPORTER_SCRIPT),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : REPORTER_SCRIPT);
}

export interface ReceiveOptions {
  projectId: string;
  hook: RuntimeErrorsHook;
  limiter: WindowRateLimiter;
  now: number;
}

/**
 * POST /__forge/errors from the preview's own pages (the caller has checked the preview
 * cookie): a JSON array of RuntimeErrorReport within RUNTIME_ERROR_LIMITS, handed to the hook.
 * Only JSON posted by the preview's own origin is taken, so no other page (another project's
 * preview included) can post errors with the cookie.
 */
export async function receiveRuntimeErrors(
  req: IncomingMessage,
  res: ServerResponse,
  options: ReceiveOptions,
): Promise<void> {
  if (req.method !== 'POST') {
    return sendText(res, 405, 'Only POST is allowed here.\n', { allow: 'POST' });
  }
  if (!sameOrigin(req)) {
    return sendText(res, 403, 'Errors are only taken from the preview itself.\n');
  }
  if (
    (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json'
  ) {
    return sendText(res, 415, 'Send the errors as application/json.\n');
  }
  const wait = options.limiter.take(options.projectId, options.now);
  if (wait > 0) {
    return sendText(
      res,
      429,
      `Too many error reports for this project (at most ${options.limiter.limit.max} in ${options.limiter.limit.windowMs / 1000} s${options.limiter.limit.name ? `, ${options.limiter.limit.name}` : ''}); later ones are dropped.\n`,
      {
        'retry-after': String(wait),
      },
    );
  }
  const body = await readBody(req, RUNTIME_ERROR_LIMITS.maxReportBytes);
  if (body === 'too-large') {
    return sendText(
      res,
      413,
      `An error report may have at most ${RUNTIME_ERROR_LIMITS.maxReportBytes} bytes (RUNTIME_ERROR_LIMITS.maxReportBytes).\n`,
      { connection: 'close' },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return sendText(res, 400, 'The error report is not JSON.\n');
  }
  const parsed = RuntimeErrorReportsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    return sendText(res, 400, `The error report is not valid: ${problems}\n`);
  }
  try {
    await options.hook(options.projectId, parsed.data);
  } catch {
    return sendText(res, 502, 'The errors could not be passed on.\n');
  }
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

/**
 * Only the preview's own pages: Origin must be this very host (a page on another project's
 * preview host, though same-site, is refused) and Sec-Fetch-Site, when sent, same-origin. With
 * neither header it is no browser's report, and refused.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    return false;
  }
  const origin = req.headers.origin;
  // A page with Referrer-Policy no-referrer sends Origin: null even to itself.
  if (origin === undefined || origin === 'null') {
    return site === 'same-origin';
  }
  try {
    return new URL(origin).host === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

/** The request's body, or 'too-large' as soon as it passes `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        return void chunks.push(chunk);
      }
      req.off('data', onData);
      req.resume();
      resolve('too-large');
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
