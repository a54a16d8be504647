import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type HostAnswer, requestAsHost } from '../../../test/support/host-request';
import { rm } from 'node:fs/promises';
import WebSocket from 'ws';
import { ProcessSandboxProvider } from '@forge/sandbox';
import { makeTempDir } from '../../sandbox/src/testing/test-helpers';
import { createPreviewServer, PREVIEW_TOKEN_PARAM, previewUrl } from './preview-server';
import { REPORTER_TAG } from './preview-reporter';
import { signPreviewToken } from './preview-token';
import { close, listen, PREVIEW_TEST_SECRET } from './testing/test-servers';

const secret = PREVIEW_TEST_SECRET;
const hour = 3600_000;

describe(createPreviewServer.name, () => {
  let base: string;
  let provider: ProcessSandboxProvider;
  let viteUrl: string;
  let echo: Server;
  let echoUrl: string;
  let preview: Server;
  let port: number;
  const token = (projectId: string, expiresAt = Date.now() + hour) =>
    signPreviewToken({ projectId, userId: 'user-1', expiresAt }, secret);
  const host = (projectId: string) => `${projectId}.preview.localhost:${port}`;
  const cookieFor = (projectId: string) => `forge_preview=${token(projectId)}`;

  const get = (
    projectId: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<HostAnswer> => requestAsHost(port, host(projectId), path, { headers, body });

  beforeAll(async () => {
    base = await makeTempDir('preview');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    const sandbox = await provider.open('app1');
    await sandbox.writeFiles([
      {
        path: 'src/App.tsx',
        content: 'export default function App() {\n  return <p>Through the proxy</p>;\n}\n',
      },
    ]);
    viteUrl = (await sandbox.startDevServer()).url;
    echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
    });
    echoUrl = `http://127.0.0.1:${await listen(echo)}`;
    preview = createPreviewServer({
      secret,
      frameAncestors: ['http://localhost:3000'],
      resolve: async (projectId) => {
        if (projectId === 'app1') {
          return { url: viteUrl };
        }
        if (projectId === 'echo') {
          return { url: echoUrl };
        }
        if (projectId === 'down') {
          return { url: 'http://127.0.0.1:1' };
        }
        return null;
      },
      onRuntimeErrors: async () => {},
    });
    port = await listen(preview);
  });

  afterAll(async () => {
    await close(preview);
    await close(echo);
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  it('refuses without a token, with an expired one, a forged one, or one for another project', async () => {
    const none = await get('app1', '/');
    expect(none.status).toBe(401);
    expect(none.headers['content-type']).toContain('text/html');
    expect(none.body).toContain('Open this preview from Forge');

    const expired = await get(
      'app1',
      `/?${PREVIEW_TOKEN_PARAM}=${token('app1', Date.now() - 1000)}`,
    );
    expect(expired.status).toBe(401);
    expect(expired.body).toContain('expired');

    const forged = await get('app1', '/', { cookie: `forge_preview=${token('app1')}x` });
    expect(forged.status).toBe(401);

    const other = await get('app1', '/', { cookie: cookieFor('echo') });
    expect(other.status).toBe(403);
    const otherLink = await get('app1', `/?${PREVIEW_TOKEN_PARAM}=${token('echo')}`);
    expect(otherLink.status).toBe(403);
  });

  it('turns a link token into an HttpOnly cookie for the host and strips it from the URL', async () => {
    const expiresAt = Date.now() + hour;
    const link = new URL(previewUrl({ projectId: 'app1', token: token('app1', expiresAt), port }));
    expect(link.host).toBe(host('app1'));
    const sent = Date.now();
    const answer = await get(
      'app1',
      `/some/page?x=1&${PREVIEW_TOKEN_PARAM}=${link.searchParams.get(PREVIEW_TOKEN_PARAM)}`,
    );
    const answered = Date.now();
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/some/page?x=1');
    const cookie = answer.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^forge_preview=[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).not.toMatch(/Domain=/i);
    // The cookie lives as long as the token has left when the server reads it, in whole seconds.
    const maxAge = Number(cookie.match(/; Max-Age=(\d+);/)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(Math.floor((expiresAt - answered) / 1000));
    expect(maxAge).toBeLessThanOrEqual(Math.floor((expiresAt - sent) / 1000));
  });

  it('serves the page and transformed modules of the real dev server with the cookie', async () => {
    const page = await get('app1', '/', { cookie: cookieFor('app1') });
    expect(page.status).toBe(200);
    expect(page.body).toContain('/@vite/client');
    // First in <head>, before Vite's own scripts, and only once.
    expect(page.body).toContain(`<head>${REPORTER_TAG}\n`);
    expect(page.body.split(REPORTER_TAG)).toHaveLength(2);
    expect(Number(page.headers['content-length'])).toBe(Buffer.byteLength(page.body));
    expect(page.headers['content-security-policy']).toBe('frame-ancestors http://localhost:3000');
    const module = await get('app1', '/src/App.tsx', { cookie: cookieFor('app1') });
    expect(module.status).toBe(200);
    expect(module.body).toContain('Through the proxy');
  });

  it('passes the request on without the preview cookie, with the body streamed', async () => {
    const answer = await get(
      'echo',
      '/api/x?y=2',
      { cookie: `theme=dark; ${cookieFor('echo')}; lang=en` },
      'a body',
    );
    expect(answer.status).toBe(200);
    const seen = JSON.parse(answer.body) as { headers: IncomingHttpHeaders; body: string };
    expect(seen.body).toBe('a body');
    expect(seen.headers.cookie).toBe('theme=dark; lang=en');
    expect(seen.headers['x-forwarded-host']).toBe(host('echo'));
    expect(seen.headers.host).toBe(new URL(echoUrl).host);
  });

  it('answers clear pages for a dev server that is down, a project without preview, a foreign host', async () => {
    const down = await get('down', '/', { cookie: cookieFor('down') });
    expect(down.status).toBe(502);
    expect(down.body).toContain('not answering');
    const none = await get('nothing', '/', { cookie: cookieFor('nothing') });
    expect(none.status).toBe(404);
    const foreign = await requestAsHost(port, 'example.com', '/');
    expect(foreign.status).toBe(404);
  });

  it("carries Vite's hot-reload websocket, and refuses it without the cookie", async () => {
    const client = await get('app1', '/@vite/client', { cookie: cookieFor('app1') });
    const wsToken = /const wsToken = "([^"]*)"/.exec(client.body)?.[1];
    expect(wsToken).toBeDefined();
    const origin = `http://${host('app1')}`;
    const open = (cookie?: string) =>
      new WebSocket(`ws://127.0.0.1:${port}/?token=${wsToken}`, 'vite-hmr', {
        headers: { host: host('app1'), ...(cookie ? { cookie } : {}) },
        origin,
      });

    const ws = open(cookieFor('app1'));
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'connected' });
    ws.close();

    const refused = open();
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode!)),
    );
    expect(status).toBe(401);
  });
});
