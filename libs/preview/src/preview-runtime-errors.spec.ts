import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RUNTIME_ERROR_LIMITS, type RuntimeErrorReport } from '@forge/protocol';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/e2e/support/browser';
import { type HostAnswer, requestAsHost } from '../../../test/support/host-request';
import { createPreviewServer, PREVIEW_TOKEN_PARAM } from './preview-server';
import { injectReporter, REPORTER_SCRIPT, REPORTER_TAG } from './preview-reporter';
import { signPreviewToken } from './preview-token';
import { close, listen, PREVIEW_TEST_SECRET } from './testing/test-servers';

const secret = PREVIEW_TEST_SECRET;
const hour = 3600_000;
const minute = 60_000;
const rateLimit = 5;

const PAGE =
  '<!doctype html>\n<html lang="en">\n<head data-x="1">\n<title>héllo</title>\n</head>\n<body><p>Ünïcode</p></body>\n</html>\n';
const MODULE = 'export const page = "<head></head>";\n';
const BROWSER_PAGE = `<!doctype html><html><head><title>errors</title></head><body>
<script>
  console.error('Something failed:', new Error('bad state'), { id: 7 });
  console.error('Something failed:', new Error('bad state'), { id: 7 });
  console.error('%s of %d', 'two', 3);
  Promise.reject(new Error('nobody waits'));
  setTimeout(() => { throw new Error('boom'); });
</script></body></html>`;

describe('preview runtime errors', () => {
  let upstream: Server;
  let upstreamPaths: string[];
  let upstreamEncodings: (string | undefined)[];
  let preview: Server;
  let port: number;
  let clock: number;
  const received: { projectId: string; errors: RuntimeErrorReport[] }[] = [];
  let onReceived: (() => void) | undefined;

  const token = (projectId: string) =>
    signPreviewToken({ projectId, userId: 'user-1', expiresAt: Date.now() + hour }, secret);
  const host = (projectId: string) => `${projectId}.preview.localhost:${port}`;
  const cookieFor = (projectId: string) => `forge_preview=${token(projectId)}`;

  function send(
    projectId: string,
    path: string,
    options: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {},
  ): Promise<HostAnswer> {
    return requestAsHost(port, host(projectId), path, { method: 'GET', ...options });
  }

  /** A report as the preview's page posts it (its own Origin); a header set to undefined is left out. */
  function post(projectId: string, body: unknown, headers: OutgoingHttpHeaders = {}) {
    const sent: OutgoingHttpHeaders = {
      cookie: cookieFor(projectId),
      'content-type': 'application/json',
      origin: `http://${host(projectId)}`,
      ...headers,
    };
    for (const [name, value] of Object.entries(sent)) {
      if (value === undefined) {
        delete sent[name];
      }
    }
    return send(projectId, '/__forge/errors', {
      method: 'POST',
      headers: sent,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    upstreamPaths = [];
    upstreamEncodings = [];
    upstream = createServer((req, res) => {
      upstreamPaths.push(req.url ?? '');
      upstreamEncodings.push(req.headers['accept-encoding']);
      const html = { 'content-type': 'text/html; charset=utf-8' };
      switch (req.url) {
        case '/':
          res.writeHead(200, { ...html, 'content-length': Buffer.byteLength(PAGE) });
          return void res.end(req.method === 'HEAD' ? undefined : PAGE);
        case '/chunked':
          res.writeHead(200, html);
          res.write('<!doctype html><html><bo');
          return void setTimeout(() => res.end('dy>late</body></html>'), 20);
        case '/gzip': {
          const gzip = String(req.headers['accept-encoding'] ?? '').includes('gzip');
          const body = gzip ? gzipSync(PAGE) : Buffer.from(PAGE);
          res.writeHead(200, {
            ...html,
            'content-length': body.length,
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          });
          return void res.end(body);
        }
        case '/main.js':
          res.writeHead(200, {
            'content-type': 'text/javascript',
            'content-length': MODULE.length,
          });
          return void res.end(MODULE);
        case '/app':
          res.writeHead(200, html);
          return void res.end(BROWSER_PAGE);
        default:
          res.writeHead(404, { 'content-type': 'text/plain' });
          return void res.end('upstream 404');
      }
    });
    const upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
    clock = Date.now();
    preview = createPreviewServer({
      secret,
      resolve: async () => ({ url: upstreamUrl }),
      runtimeErrorsRateLimit: { max: rateLimit, windowMs: minute, name: 'TEST_REPORTS_LIMIT' },
      now: () => clock,
      onRuntimeErrors: async (projectId, errors) => {
        if (projectId === 'failing') {
          throw new Error('runner is away');
        }
        received.push({ projectId, errors });
        onReceived?.();
      },
    });
    port = await listen(preview);
  });

  afterAll(async () => {
    await close(preview);
    await close(upstream);
  });

  describe(injectReporter.name, () => {
    const inject = (html: string) => injectReporter(Buffer.from(html, 'latin1')).toString('latin1');

    it('puts the tag first in <head>, else after <html>, else after the doctype, else at the start', () => {
      expect(inject('<html><HEAD lang="x"><title>t</title></HEAD></html>')).toBe(
        `<html><HEAD lang="x">${REPORTER_TAG}<title>t</title></HEAD></html>`,
      );
      expect(inject('<!DOCTYPE html><html class="a"><header>x</header></html>')).toBe(
        `<!DOCTYPE html><html class="a">${REPORTER_TAG}<header>x</header></html>`,
      );
      expect(inject('<!doctype html><p>x</p>')).toBe(`<!doctype html>${REPORTER_TAG}<p>x</p>`);
      expect(inject('<p>x</p>')).toBe(`${REPORTER_TAG}<p>x</p>`);
      expect(inject('\xef\xbb\xbf<p>x</p>')).toBe(`\xef\xbb\xbf${REPORTER_TAG}<p>x</p>`);
    });

    it('leaves a page that has the tag already as it is', () => {
      const once = inject('<head></head>');
      expect(inject(once)).toBe(once);
    });
  });

  it('adds the reporter exactly once to an HTML page, with the right content-length', async () => {
    const page = await send('html', '/', {
      headers: { cookie: cookieFor('html'), accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.body).toBe(PAGE.replace('<head data-x="1">', `<head data-x="1">${REPORTER_TAG}`));
    expect(page.body.split(REPORTER_TAG)).toHaveLength(2);
    expect(Number(page.headers['content-length'])).toBe(page.bytes.length);

    const chunked = await send('html', '/chunked', { headers: { cookie: cookieFor('html') } });
    expect(chunked.body).toBe(`<!doctype html><html>${REPORTER_TAG}<body>late</body></html>`);
    expect(Number(chunked.headers['content-length'])).toBe(chunked.bytes.length);

    const head = await send('html', '/', {
      method: 'HEAD',
      headers: { cookie: cookieFor('html') },
    });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBeUndefined();
  });

  it('leaves JavaScript modules and other answers untouched', async () => {
    const module = await send('html', '/main.js', { headers: { cookie: cookieFor('html') } });
    expect(module.body).toBe(MODULE);
    expect(Number(module.headers['content-length'])).toBe(MODULE.length);
    const missing = await send('html', '/nothing', { headers: { cookie: cookieFor('html') } });
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('upstream 404');
  });

  it('asks for an uncompressed page, and passes a compressed one on unchanged', async () => {
    const before = upstreamEncodings.length;
    const navigation = await send('html', '/gzip', {
      headers: { cookie: cookieFor('html'), accept: 'text/html,*/*', 'accept-encoding': 'gzip' },
    });
    expect(upstreamEncodings[before]).toBe('identity');
    expect(navigation.headers['content-encoding']).toBeUndefined();
    expect(navigation.body).toContain(`<head data-x="1">${REPORTER_TAG}`);

    const fetched = await send('html', '/gzip', {
      headers: { cookie: cookieFor('html'), accept: '*/*', 'accept-encoding': 'gzip' },
    });
    expect(fetched.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(fetched.bytes).toString('utf8')).toBe(PAGE);
  });

  it('serves the reporter script itself, behind the preview cookie', async () => {
    const before = upstreamPaths.length;
    const script = await send('html', '/__forge/reporter.js', {
      headers: { cookie: cookieFor('html') },
    });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toBe(REPORTER_SCRIPT);
    expect((await send('html', '/__forge/reporter.js')).status).toBe(401);
    expect(
      (await send('html', '/__forge/other', { headers: { cookie: cookieFor('html') } })).status,
    ).toBe(404);
    expect(upstreamPaths.slice(before)).toEqual([]);
  });

  it('takes a valid report and hands the parsed errors to the hook, never to the dev server', async () => {
    const before = upstreamPaths.length;
    const errors: RuntimeErrorReport[] = [
      { kind: 'error', message: 'Error: boom', stack: 'Error: boom\n    at x', source: '/a:1:2' },
      { kind: 'console.error', message: 'Something failed' },
    ];
    const answer = await post('valid', errors, { origin: `http://${host('valid')}` });
    expect(answer.status).toBe(204);
    expect(received).toContainEqual({ projectId: 'valid', errors });
    expect(upstreamPaths.slice(before)).toEqual([]);
    expect((await post('failing', errors)).status).toBe(502);
  });

  it('refuses a report without the cookie, for another project, or from another site', async () => {
    const errors = [{ kind: 'error', message: 'x' }];
    const none = await send('refused', '/__forge/errors', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(errors),
    });
    expect(none.status).toBe(401);
    expect((await post('refused', errors, { cookie: cookieFor('other') })).status).toBe(403);
    expect((await post('refused', errors, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('refused', errors, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post('refused', errors, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(received.filter((call) => call.projectId === 'refused')).toEqual([]);
  });

  it("refuses a report from another project's preview origin", async () => {
    const errors = [{ kind: 'error', message: 'planted' }];
    const answer = await post('victim', errors, { origin: `http://${host('attacker')}` });
    expect(answer.status).toBe(403);
    expect(received.filter((call) => call.projectId === 'victim')).toEqual([]);
  });

  it('refuses a report with neither Origin nor Sec-Fetch-Site, and takes a same-origin one', async () => {
    const errors = [{ kind: 'error', message: 'anonymous' }];
    expect((await post('anonymous', errors, { origin: undefined })).status).toBe(403);
    expect(received.filter((call) => call.projectId === 'anonymous')).toEqual([]);
    const fetched = await post('anonymous', errors, {
      origin: undefined,
      'sec-fetch-site': 'same-origin',
    });
    expect(fetched.status).toBe(204);
    expect((await post('anonymous', errors, { origin: 'null' })).status).toBe(403);
  });

  it('refuses a report that is too large, not JSON, or not valid', async () => {
    const huge = JSON.stringify([
      { kind: 'error', message: 'x'.repeat(RUNTIME_ERROR_LIMITS.maxReportBytes) },
    ]);
    const large = await post('large', huge);
    expect(large.status).toBe(413);
    expect(large.body).toContain('RUNTIME_ERROR_LIMITS.maxReportBytes');
    // The same without a content-length: cut off while it streams.
    const streamed = await send('large', '/__forge/errors', {
      method: 'POST',
      headers: {
        cookie: cookieFor('large'),
        'content-type': 'application/json',
        origin: `http://${host('large')}`,
        'transfer-encoding': 'chunked',
      },
      body: huge,
    });
    expect(streamed.status).toBe(413);

    expect((await post('invalid', '{"kind":')).body).toContain('not JSON');
    const badKind = await post('invalid', [{ kind: 'warning', message: 'x' }]);
    expect(badKind.status).toBe(400);
    expect(badKind.body).toContain('0.kind');
    const tooMany = Array.from({ length: RUNTIME_ERROR_LIMITS.maxErrorsPerReport + 1 }, () => ({
      kind: 'error',
      message: 'x',
    }));
    expect((await post('invalid', tooMany)).status).toBe(400);
    expect((await post('invalid', [])).status).toBe(400);
    const refused = received.filter((call) => ['large', 'invalid'].includes(call.projectId));
    expect(refused).toEqual([]);
  });

  it('answers 429 above the rate limit of one project, until the window passes', async () => {
    const errors = [{ kind: 'error', message: 'again' }];
    for (let i = 0; i < rateLimit; i += 1) {
      expect((await post('limited', errors)).status).toBe(204);
    }
    const over = await post('limited', errors);
    expect(over.status).toBe(429);
    expect(over.body).toContain('TEST_REPORTS_LIMIT');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await post('unlimited', errors)).status).toBe(204);
    clock += minute;
    expect((await post('limited', errors)).status).toBe(204);
  });

  describe('in Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it("reports the page's uncaught error, rejection and console.error, each once", async () => {
      const kinds = () =>
        new Set(
          received
            .filter((call) => call.projectId === 'browser')
            .flatMap((call) => call.errors.map((error) => error.kind)),
        );
      const all = new Promise<void>((resolve) => {
        onReceived = () => {
          if (kinds().size === 3) {
            resolve();
          }
        };
      });
      const page = await browser.newPage();
      await page.goto(`http://${host('browser')}/app?${PREVIEW_TOKEN_PARAM}=${token('browser')}`);
      await all;
      await page.close();

      const errors = received
        .filter((call) => call.projectId === 'browser')
        .flatMap((call) => call.errors);
      const consoleErrors = errors.filter((error) => error.kind === 'console.error');
      expect(consoleErrors.map((error) => error.message)).toEqual([
        'Something failed: Error: bad state {"id":7}',
        'two of 3',
      ]);
      expect(consoleErrors[0]!.stack).toContain('bad state');
      expect(errors).toContainEqual(
        expect.objectContaining({
          kind: 'error',
          message: 'Error: boom',
          source: expect.stringMatching(/\/app:\d+:\d+$/),
        }),
      );
      expect(errors).toContainEqual(
        expect.objectContaining({ kind: 'unhandledrejection', message: 'Error: nobody waits' }),
      );
    });
  });
});
