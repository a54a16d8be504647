// The web app for `npm start`: Angular's built files, with /api and /socket.io passed to the API
// on the same origin (so the session cookie just works), websockets included.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const PROXIED = ['/api/', '/socket.io/'];

export function createWebServer({ root, apiUrl }) {
  const api = new URL(apiUrl);
  const rootDir = resolve(root);

  function proxy(req, res) {
    const upstream = request(
      {
        hostname: api.hostname,
        port: api.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          statusCode: 502,
          code: 'API_UNREACHABLE',
          message: 'The API is not answering.',
        }),
      );
    });
    req.pipe(upstream);
  }

  function serveStatic(req, res) {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(rootDir, pathname));
    if (!file.startsWith(rootDir)) {
      res.writeHead(400).end();
      return;
    }
    // Client-side routes (/project/…) get index.html.
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(rootDir, 'index.html');
    if (!existsSync(file)) {
      res
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('The web app is still being built; reload in a moment.');
      return;
    }
    const immutable = /\.[0-9a-z]{8,}\.(js|css)$/i.test(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    if (PROXIED.some((prefix) => req.url.startsWith(prefix))) proxy(req, res);
    else serveStatic(req, res);
  });

  server.on('upgrade', (req, socket, head) => {
    if (!PROXIED.some((prefix) => req.url.startsWith(prefix))) return socket.destroy();
    const upstream = connect(Number(api.port), api.hostname, () => {
      const headers = Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n');
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });

  return server;
}
