import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { forwardRequest } from '../preview-forward';
import { sendPreviewPage } from '../preview-pages';
import { lookupSitePath, type PublishedSite } from './published-site';

/** The query parameter an unlisted or private app's link carries its credential in. */
export const PUBLISHED_ACCESS_PARAM = 'forge_access';
/** A published app's slug as it appears in its host: one lower-case DNS label. */
export const PUBLISHED_SLUG_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A published app as the server finds it by its slug. */
export interface PublishedApp {
  site: PublishedSite;
  /** True: anyone may open it. False: only with a credential `allows` accepts. */
  open: boolean;
  /** Whether a credential (from the link, then the cookie) opens this app. */
  allows(credential: string): boolean | Promise<boolean>;
  /**
   * Where the app's server part (its /api) answers, started when needed; absent when the app
   * has none. `fresh`: the last address did not answer, ask again.
   */
  server?(fresh: boolean): Promise<string>;
}

export interface PublishedServerOptions {
  /** Apps are served on `<slug>.<hostSuffix>`. */
  hostSuffix: string;
  /** The app published at `slug`, or null (never published, unpublished, a bad slug). */
  resolve(slug: string): Promise<PublishedApp | null>;
  /** Longest wait for resolve, in ms (then 503). */
  resolveTimeoutMs: number;
  /** Links are https (PUBLISH_URL_TEMPLATE): the access cookie gets Secure and `__Host-`. */
  httpsLinks?: boolean;
  /** How long a credential cookie lasts, in seconds. */
  accessCookieMaxAgeSeconds?: number;
  /** Longest wait for the app's server part: to start, then for its response headers, in ms. */
  serverTimeoutMs?: number;
  /** Told why an app's server part could not answer (the visitor only sees that it did not). */
  onServerError?: (slug: string, error: unknown) => void;
}

/** Requests to a published app's server part: `/api` and below, as the template serves them. */
export function isServerPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

const COOKIE_NAME = 'forge_app_access';
const NOT_PUBLISHED = ['Nothing published here', 'No app is published at this address.'] as const;

/**
 * Serves published apps from their stored builds (node:http): `<slug>.<hostSuffix>`, GET and
 * HEAD only, with the files' content types, ETags, a year's caching for hashed assets and
 * revalidation for the rest, index.html for a single-page app's routes. An app that is not
 * public answers as if it were not published unless the request carries a credential it
 * allows: an unlisted app's secret, or a signed owner token for a private one.
 */
export function createPublishedServer(options: PublishedServerOptions): Server {
  const suffix = `.${options.hostSuffix.toLowerCase()}`;
  const cookieName = `${options.httpsLinks ? '__Host-' : ''}${COOKIE_NAME}`;
  const maxAge = options.accessCookieMaxAgeSeconds ?? 7 * 24 * 3600;

  function slugOf(host: string | undefined): string | null {
    const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!name.endsWith(suffix)) {
      return null;
    }
    const label = name.slice(0, -suffix.length);
    return PUBLISHED_SLUG_LABEL.test(label) ? label : null;
  }

  async function find(slug: string): Promise<PublishedApp | null | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.resolveTimeoutMs);
    });
    try {
      return await Promise.race([options.resolve(slug), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const slug = slugOf(req.headers.host);
    if (!slug) {
      return sendPreviewPage(res, 404, ...NOT_PUBLISHED);
    }
    const path = (req.url ?? '/').split(/[?#]/, 1)[0]!;
    const toServer = isServerPath(path);
    if (!toServer && req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
      res.end();
      return;
    }
    const app = await find(slug);
    if (app === 'timeout') {
      return sendPreviewPage(res, 503, 'This app is not answering', 'Reload in a moment.');
    }
    if (!app) {
      return sendPreviewPage(res, 404, ...NOT_PUBLISHED);
    }
    const url = new URL(req.url ?? '/', 'http://published.invalid');
    const linkCredential = url.searchParams.get(PUBLISHED_ACCESS_PARAM);
    if (linkCredential !== null && !toServer) {
      if (!(await app.allows(linkCredential))) {
        return sendPreviewPage(res, 404, ...NOT_PUBLISHED);
      }
      url.searchParams.delete(PUBLISHED_ACCESS_PARAM);
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': accessCookie(linkCredential),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'content-length': 0,
      });
      res.end();
      return;
    }
    if (!app.open && !(await allowedByCookie(app, req.headers))) {
      return sendPreviewPage(res, 404, ...NOT_PUBLISHED);
    }
    if (toServer && app.server) {
      return forwardToServer(slug, app, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
      res.end();
      return;
    }
    // The path as sent: URL parsing would resolve dot segments that lookupSitePath refuses.
    sendFile(req, res, app, path);
  }

  /** The request to the app's own server, with Forge's access cookie taken out. */
  async function forwardToServer(
    slug: string,
    app: PublishedApp,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const timeoutMs = options.serverTimeoutMs ?? 30_000;
    let upstream: string;
    try {
      upstream = await withDeadline(app.server!(false), timeoutMs);
    } catch (error) {
      options.onServerError?.(slug, error);
      return sendServerFailure(res, 503);
    }
    const headers = { ...req.headers };
    const cookies = (headers.cookie ?? '')
      .split(';')
      .filter((part) => part.trim().split('=')[0] !== cookieName)
      .join(';')
      .trim();
    if (cookies) {
      headers.cookie = cookies;
    } else {
      delete headers.cookie;
    }
    forwardRequest(req, res, {
      upstream: new URL(upstream),
      headers,
      responseHeaders: {
        'referrer-policy': app.open ? 'strict-origin-when-cross-origin' : 'no-referrer',
      },
      timeoutMs,
      fail: (response, status) => {
        // Down since the last request (a crash, a restart): the next one asks for it afresh.
        void app.server!(true).catch(() => undefined);
        sendServerFailure(response, status);
      },
    });
  }

  async function allowedByCookie(app: PublishedApp, headers: IncomingHttpHeaders) {
    for (const value of readCookies(headers, cookieName)) {
      if (await app.allows(value)) {
        return true;
      }
    }
    return false;
  }

  function accessCookie(value: string): string {
    const secure = options.httpsLinks ? 'Secure; ' : '';
    // No Domain: host-only, so it never goes to another app's host.
    return `${cookieName}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; HttpOnly; ${secure}SameSite=Lax`;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      sendPreviewPage(res, 500, 'Something went wrong', 'Reload in a moment.'),
    );
  });
  return server;
}

/** The app's server part did not answer: a JSON error, as its fetch calls expect. */
function sendServerFailure(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    error:
      status === 504
        ? "The app's server did not answer in time."
        : "The app's server is not answering; try again in a moment.",
    code: 'APP_SERVER_UNAVAILABLE',
  });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function sendFile(req: IncomingMessage, res: ServerResponse, app: PublishedApp, path: string) {
  const found = lookupSitePath(app.site, path);
  if (found.kind === 'bad') {
    return sendPreviewPage(res, 400, 'Bad address', 'This address cannot name a file.');
  }
  if (found.kind === 'missing') {
    return sendPreviewPage(res, 404, 'Not found', 'This app has no such page or file.');
  }
  const { entry } = found;
  const headers: Record<string, string | number> = {
    'content-type': entry.contentType,
    etag: entry.etag,
    // An app behind a credential must not be kept by shared caches.
    'cache-control': `${app.open ? 'public' : 'private'}, ${entry.immutable ? 'max-age=31536000, immutable' : 'no-cache'}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': app.open ? 'strict-origin-when-cross-origin' : 'no-referrer',
  };
  if (ifNoneMatch(req.headers['if-none-match'], entry.etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['content-length'] = entry.content.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : entry.content);
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function readCookies(headers: IncomingHttpHeaders, name: string): string[] {
  const values: string[] = [];
  for (const part of (headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) {
      continue;
    }
    try {
      values.push(decodeURIComponent(value.join('=')));
    } catch {
      // A cookie this server never set: ignored.
    }
  }
  return values;
}
