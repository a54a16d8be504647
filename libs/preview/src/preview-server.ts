import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { forwardRequest, forwardUpgrade, refuseUpgrade } from './preview-forward';
import { sendPreviewPage } from './preview-pages';
import {
  FORGE_PATH_PREFIX,
  injectReporter,
  REPORTER_SCRIPT_PATH,
  RUNTIME_ERRORS_PATH,
} from './preview-reporter';
import {
  type RateLimit,
  receiveRuntimeErrors,
  type RuntimeErrorsHook,
  sendReporterScript,
  sendText,
  WindowRateLimiter,
} from './preview-runtime-errors';
import { type PreviewTokenCheck, verifyPreviewToken } from './preview-token';

/** The query parameter a preview link carries its token in. */
export const PREVIEW_TOKEN_PARAM = 'forge_preview_token';
/** A project id as it appears in a preview host: one lower-case DNS label. */
export const PREVIEW_PROJECT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface PreviewUpstream {
  /** The dev server, e.g. http://127.0.0.1:5173. */
  url: string;
}

export interface PreviewServerOptions {
  /** Signs and checks tokens (signPreviewToken); at least MIN_PREVIEW_SECRET_LENGTH characters. */
  secret: string;
  /** The project's dev server, started or woken up if need be; null when it has none. */
  resolve: (projectId: string, access: { userId: string }) => Promise<PreviewUpstream | null>;
  /** Previews are served on `<projectId>.<hostSuffix>`; `preview.localhost` by default. */
  hostSuffix?: string;
  /** The cookie holding the token once the link has been opened (host-only, never Domain). */
  cookieName?: string;
  /**
   * Previews are opened over https (PREVIEW_URL_TEMPLATE): the cookie then gets the `__Host-`
   * prefix, so no page on another preview host can set one of that name for the parent domain.
   * Over plain http browsers refuse `__Host-`; there a cookie another host set for the parent
   * domain sits beside this host's own, and whichever holds a valid token for this project wins.
   */
  httpsLinks?: boolean;
  /**
   * Secure; SameSite=None; Partitioned cookies, which a browser keeps inside the UI's iframe
   * (another site). Browsers treat http://*.localhost as secure; elsewhere serve over HTTPS or
   * turn this off (the cookie is then SameSite=Lax, and the preview only works in its own tab).
   */
  secureCookies?: boolean;
  /** Origins allowed to frame previews (the UI's), sent as CSP frame-ancestors when given. */
  frameAncestors?: string[];
  /**
   * Whether the token's project still exists and is its user's, asked on every request after
   * the token checks out (the caller may cache briefly); false answers 404, so a deleted
   * project's links and cookies stop at once. Waits at most resolveTimeoutMs.
   */
  isLive?: (projectId: string, userId: string) => Promise<boolean>;
  /** Longest wait for resolve (waking a sandbox), in ms. */
  resolveTimeoutMs?: number;
  /** Longest wait for the dev server's response headers, in ms. */
  upstreamTimeoutMs?: number;
  /**
   * Receives the runtime errors a preview's pages report. When given, every HTML page gets the
   * reporter script first in its <head>, and the server answers REPORTER_SCRIPT_PATH and
   * RUNTIME_ERRORS_PATH itself; without it, previews are passed on untouched.
   */
  onRuntimeErrors?: RuntimeErrorsHook;
  /** Error reports one project's previews may post per window (429 above). */
  runtimeErrorsRateLimit?: RateLimit;
  now?: () => number;
}

export const PREVIEW_SERVER_DEFAULTS = {
  hostSuffix: 'preview.localhost',
  cookieName: 'forge_preview',
  httpsLinks: false,
  secureCookies: true,
  resolveTimeoutMs: 90_000,
  upstreamTimeoutMs: 60_000,
  runtimeErrorsRateLimit: { max: 30, windowMs: 60_000 },
} as const;

type Refusal = { status: number; title: string; message: string };
type Access = { projectId: string; userId: string } | Refusal;

/**
 * The preview server (node:http), on an origin of its own: `<projectId>.<hostSuffix>`. The first
 * request carries `?forge_preview_token=…`; a valid token becomes an HttpOnly cookie for that
 * host and the browser is sent to the same URL without it. It proxies HTTP (streamed) and Vite's
 * hot-reload websocket to the dev server that `resolve` gives. Refusals are immediate small pages.
 */
export function createPreviewServer(options: PreviewServerOptions): Server {
  const settings = { ...PREVIEW_SERVER_DEFAULTS, ...options };
  verifyPreviewToken('x', settings.secret); // a short secret fails at start-up, not per request
  const suffix = `.${settings.hostSuffix.toLowerCase()}`;
  const responseHeaders: OutgoingHttpHeaders = settings.frameAncestors?.length
    ? { 'content-security-policy': `frame-ancestors ${settings.frameAncestors.join(' ')}` }
    : {};
  const runtimeErrorsLimiter = new WindowRateLimiter(settings.runtimeErrorsRateLimit);
  const cookieName = `${settings.httpsLinks ? '__Host-' : ''}${settings.cookieName}`;

  function projectOf(host: string | undefined): string | null {
    const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!name.endsWith(suffix)) {
      return null;
    }
    const label = name.slice(0, -suffix.length);
    return PREVIEW_PROJECT_LABEL.test(label) ? label : null;
  }

  /**
   * The first of `tokens` that opens this project's preview; else the refusal for the first.
   * Several cookies of one name come when another host set one for the parent domain.
   */
  function check(projectId: string, tokens: string[]): Access {
    const results: PreviewTokenCheck[] = (tokens.length > 0 ? tokens : [undefined]).map((token) =>
      verifyPreviewToken(token, settings.secret, { projectId, now: settings.now?.() }),
    );
    const result = results.find((each) => each.ok) ?? results[0]!;
    if (result.ok) {
      return { projectId, userId: result.claims.userId };
    }
    switch (result.code) {
      case 'MISSING':
        return refusal(
          401,
          'Open this preview from Forge',
          'This preview needs a link from the Forge project page.',
        );
      case 'EXPIRED':
        return refusal(
          401,
          'This preview link has expired',
          'Open the preview again from the Forge project page.',
        );
      case 'WRONG_PROJECT':
        return refusal(403, 'Not allowed', 'This preview link is for another project.');
      default:
        return refusal(
          401,
          'Not allowed',
          'This preview link is not valid. Open the preview again from Forge.',
        );
    }
  }

  /** A valid token whose project was deleted (or changed hands) opens nothing: 404. */
  async function stillLiveIfValid(access: Access): Promise<Access> {
    if ('status' in access || !settings.isLive) {
      return access;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), settings.resolveTimeoutMs);
    });
    try {
      const live = await Promise.race([settings.isLive(access.projectId, access.userId), timeout]);
      if (live === 'timeout') {
        return refusal(504, 'The preview is taking too long to start', 'Reload in a moment.');
      }
      return live ? access : refusal(404, 'No preview', 'This project no longer exists.');
    } finally {
      clearTimeout(timer);
    }
  }

  async function upstreamFor(access: {
    projectId: string;
    userId: string;
  }): Promise<URL | Refusal> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), settings.resolveTimeoutMs);
    });
    try {
      const found = await Promise.race([settings.resolve(access.projectId, access), timeout]);
      if (found === 'timeout') {
        return refusal(504, 'The preview is taking too long to start', 'Reload in a moment.');
      }
      if (!found) {
        return refusal(404, 'No preview', 'This project has no preview to show yet.');
      }
      return new URL(found.url);
    } catch {
      return refusal(502, 'The preview could not start', 'Look at the logs in Forge, then reload.');
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const projectId = projectOf(req.headers.host);
    if (!projectId) {
      return sendPreviewPage(res, 404, 'No preview here', 'This address is not a Forge preview.');
    }
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    const linkToken = url.searchParams.get(PREVIEW_TOKEN_PARAM);
    if (linkToken !== null) {
      const access = await stillLiveIfValid(check(projectId, [linkToken]));
      if ('status' in access) {
        return sendPreviewPage(res, access.status, access.title, access.message);
      }
      url.searchParams.delete(PREVIEW_TOKEN_PARAM);
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': tokenCookie(linkToken),
        'cache-control': 'no-store',
        'content-length': 0,
      });
      res.end();
      return;
    }
    const access = await stillLiveIfValid(check(projectId, readCookies(req.headers, cookieName)));
    if ('status' in access) {
      return sendPreviewPage(res, access.status, access.title, access.message);
    }
    const hook = settings.onRuntimeErrors;
    if (hook && url.pathname.startsWith(FORGE_PATH_PREFIX)) {
      if (url.pathname === REPORTER_SCRIPT_PATH) {
        return sendReporterScript(req, res);
      }
      if (url.pathname === RUNTIME_ERRORS_PATH) {
        return receiveRuntimeErrors(req, res, {
          projectId,
          hook,
          limiter: runtimeErrorsLimiter,
          now: settings.now?.() ?? Date.now(),
        });
      }
      return sendText(res, 404, 'Nothing here.\n');
    }
    const upstream = await upstreamFor(access);
    if (!(upstream instanceof URL)) {
      return sendPreviewPage(res, upstream.status, upstream.title, upstream.message);
    }
    forwardRequest(req, res, {
      upstream,
      headers: withoutCookie(req.headers, cookieName),
      responseHeaders,
      timeoutMs: settings.upstreamTimeoutMs,
      injectHtml: hook ? injectReporter : undefined,
    });
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const projectId = projectOf(req.headers.host);
    if (!projectId) {
      return refuseUpgrade(socket, 404, 'Not Found', 'this address is not a Forge preview');
    }
    const access = await stillLiveIfValid(check(projectId, readCookies(req.headers, cookieName)));
    if ('status' in access) {
      return refuseUpgrade(socket, access.status, 'Refused', access.message);
    }
    const upstream = await upstreamFor(access);
    if (!(upstream instanceof URL)) {
      return refuseUpgrade(socket, upstream.status, 'Unavailable', upstream.message);
    }
    forwardUpgrade(req, socket, head, {
      upstream,
      headers: withoutCookie(req.headers, cookieName),
      responseHeaders,
      timeoutMs: settings.upstreamTimeoutMs,
    });
  }

  function tokenCookie(token: string): string {
    const claims = verifyPreviewToken(token, settings.secret, { now: settings.now?.() });
    const now = settings.now?.() ?? Date.now();
    const maxAge = claims.ok ? Math.max(0, Math.floor((claims.claims.expiresAt - now) / 1000)) : 0;
    const scope = settings.secureCookies
      ? 'Secure; SameSite=None; Partitioned'
      : `${settings.httpsLinks ? 'Secure; ' : ''}SameSite=Lax`;
    // No Domain: host-only, so the cookie never goes to another project's preview host.
    return `${cookieName}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; ${scope}`;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      sendPreviewPage(res, 500, 'Preview error', 'Something went wrong; reload.'),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  return server;
}

function refusal(status: number, title: string, message: string): Refusal {
  return { status, title, message };
}

/** Every value of the cookie `name` the request carries, in the order the browser sent them. */
function readCookies(headers: IncomingHttpHeaders, name: string): string[] {
  const values: string[] = [];
  for (const part of (headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      values.push(value.join('='));
    }
  }
  return values;
}

/** The request's headers without the preview cookie: the app never sees the token. */
function withoutCookie(headers: IncomingHttpHeaders, name: string): IncomingHttpHeaders {
  if (!headers.cookie) {
    return headers;
  }
  const kept = headers.cookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part.split('=')[0] !== name);
  const copy = { ...headers };
  if (kept.length > 0) {
    copy.cookie = kept.join('; ');
  } else {
    delete copy.cookie;
  }
  return copy;
}

/** The link that opens a project's preview: `<protocol>://<projectId>.<hostSuffix>:<port>/?token`. */
export function previewUrl(options: {
  projectId: string;
  token: string;
  port: number;
  hostSuffix?: string;
  protocol?: 'http' | 'https';
}): string {
  const host = `${options.projectId.toLowerCase()}.${options.hostSuffix ?? PREVIEW_SERVER_DEFAULTS.hostSuffix}`;
  const url = new URL(`${options.protocol ?? 'http'}://${host}:${options.port}/`);
  url.searchParams.set(PREVIEW_TOKEN_PARAM, options.token);
  return url.toString();
}
