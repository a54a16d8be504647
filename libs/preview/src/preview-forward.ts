import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { sendPreviewPage } from './preview-pages';
import { isInjectableHtml, REPORTER_HTML_MAX_BYTES } from './preview-reporter';

// Headers about one connection, which a proxy must not pass on (RFC 9110, 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface ForwardOptions {
  /** The dev server, e.g. http://127.0.0.1:5173. */
  upstream: URL;
  /** The request's headers, already cleaned by the caller (cookies). */
  headers: IncomingHttpHeaders;
  /** Added to every response (e.g. Content-Security-Policy: frame-ancestors). */
  responseHeaders: OutgoingHttpHeaders;
  /** Longest wait for the dev server's response headers, in ms. */
  timeoutMs: number;
  /** Rewrites HTML documents (adds the reporter script); other responses pass as they are. */
  injectHtml?: (html: Buffer) => Buffer;
  /** Answers a failure (504: no answer in time, 502: upstream down); the preview's pages by default. */
  fail?: (res: ServerResponse, status: 502 | 504) => void;
}

// Kept-alive connections to dev servers: a page loads dozens of modules.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function upstreamHeaders(req: IncomingMessage, options: ForwardOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(options.headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) {
      headers[name] = value;
    }
  }
  // The dev server sees its own address (Vite only answers hosts it knows); where the
  // request really went is in the X-Forwarded headers.
  headers.host = options.upstream.host;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  // A page to rewrite must come uncompressed; one that comes compressed anyway passes unchanged.
  if (options.injectHtml && String(req.headers.accept ?? '').includes('text/html')) {
    headers['accept-encoding'] = 'identity';
  }
  return headers;
}

/** Streams a request to the dev server and its answer back; a 502 page when it is down. */
export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: ForwardOptions,
): void {
  const proxyReq = request({
    agent,
    host: options.upstream.hostname,
    port: options.upstream.port,
    method: req.method,
    path: req.url,
    headers: upstreamHeaders(req, options),
  });
  const timer = setTimeout(() => {
    proxyReq.destroy();
    if (options.fail) {
      return options.fail(res, 504);
    }
    sendPreviewPage(
      res,
      504,
      'The preview is taking too long',
      'The dev server did not answer in time. Reload to try again.',
    );
  }, options.timeoutMs);
  proxyReq.on('response', (proxyRes) => {
    clearTimeout(timer);
    const headers: OutgoingHttpHeaders = { ...options.responseHeaders };
    for (const [name, value] of Object.entries(proxyRes.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) {
        headers[name] = value;
      }
    }
    const status = proxyRes.statusCode ?? 502;
    proxyRes.on('error', () => res.destroy());
    if (options.injectHtml && isInjectableHtml(proxyRes.headers)) {
      if (hasBody(req.method, status)) {
        return rewrite(proxyRes, res, status, headers, options.injectHtml);
      }
      delete headers['content-length']; // no body here (HEAD, 304): its length lacks the script
    }
    res.writeHead(status, headers);
    proxyRes.pipe(res);
  });
  proxyReq.on('error', () => {
    clearTimeout(timer);
    if (res.headersSent) {
      // The timeout answered already, or the response had begun: only the connection is left.
      return void res.destroy();
    }
    if (options.fail) {
      return options.fail(res, 502);
    }
    sendPreviewPage(
      res,
      502,
      'The preview is not answering',
      "The app's dev server is down or restarting. Reload in a moment; if it keeps failing, look at the logs in Forge.",
    );
  });
  // The browser went away: stop the upstream request too.
  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) {
      proxyReq.destroy();
    }
  });
  req.pipe(proxyReq);
}

function hasBody(method: string | undefined, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status !== 204 && status !== 206 && status !== 304;
}

/**
 * Holds the whole document, rewrites it and sends it with its new length. A document larger
 * than REPORTER_HTML_MAX_BYTES is sent on as it came.
 */
function rewrite(
  proxyRes: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  inject: (html: Buffer) => Buffer,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= REPORTER_HTML_MAX_BYTES) {
      return;
    }
    proxyRes.off('data', onData).off('end', onEnd).pause();
    res.writeHead(status, headers);
    for (const held of chunks) {
      res.write(held);
    }
    proxyRes.pipe(res);
  };
  const onEnd = () => {
    const body = inject(Buffer.concat(chunks));
    res.writeHead(status, { ...headers, 'content-length': body.length });
    res.end(body);
  };
  proxyRes.on('data', onData).on('end', onEnd);
}

/** Answers an upgrade request on the raw socket (no HTTP response object exists for it). */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  reason: string,
  message: string,
): void {
  if (socket.destroyed) {
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Connects a websocket upgrade (Vite's hot reload) through to the dev server. */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: ForwardOptions,
): void {
  const headers = upstreamHeaders(req, options);
  headers.connection = 'Upgrade';
  headers.upgrade = req.headers.upgrade ?? 'websocket';
  const proxyReq = request({
    host: options.upstream.hostname,
    port: options.upstream.port,
    method: req.method,
    path: req.url,
    headers,
  });
  const timer = setTimeout(() => {
    proxyReq.destroy();
    refuseUpgrade(socket, 504, 'Gateway Timeout', 'the dev server did not answer in time');
  }, options.timeoutMs);
  socket.on('error', () => proxyReq.destroy());
  proxyReq.on('upgrade', (proxyRes, proxySocket, proxyHead) => {
    clearTimeout(timer);
    let response = 'HTTP/1.1 101 Switching Protocols\r\n';
    const raw = proxyRes.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      response += `${raw[i]}: ${raw[i + 1]}\r\n`;
    }
    socket.write(`${response}\r\n`);
    if (proxyHead.length > 0) {
      socket.write(proxyHead);
    }
    if (head.length > 0) {
      proxySocket.write(head);
    }
    proxySocket.on('error', () => socket.destroy());
    socket.on('error', () => proxySocket.destroy());
    proxySocket.on('close', () => socket.destroy());
    socket.on('close', () => proxySocket.destroy());
    proxySocket.pipe(socket).pipe(proxySocket);
  });
  proxyReq.on('response', (proxyRes) => {
    // The dev server refused the upgrade: pass its answer on and close.
    clearTimeout(timer);
    const reason = proxyRes.statusMessage || 'Error';
    refuseUpgrade(
      socket,
      proxyRes.statusCode ?? 502,
      reason,
      'the dev server refused the websocket',
    );
    proxyRes.resume();
  });
  proxyReq.on('error', () => {
    clearTimeout(timer);
    refuseUpgrade(socket, 502, 'Bad Gateway', 'the preview dev server is not answering');
  });
  proxyReq.end();
}
