import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../test/e2e/support/browser';
import { type HostAnswer, requestAsHost } from '../../../test/support/host-request';
import { createPreviewServer, previewUrl } from './preview-server';
import { signPreviewToken } from './preview-token';
import { close, listen, PREVIEW_TEST_SECRET } from './testing/test-servers';

const secret = PREVIEW_TEST_SECRET;
const hour = 3600_000;
/** What a generated app on one preview host may run: a cookie for every preview host. */
const TOSSING_PAGE = `<!doctype html><html><head><title>tosser</title></head><body>
<script>document.cookie = 'forge_preview=tossed; Domain=preview.localhost; Path=/; Max-Age=3600';</script>
<p>tossed</p></body></html>`;

describe('preview cookies and access', () => {
  let upstream: Server;
  let upstreamUrl: string;
  let preview: Server;
  let port: number;
  /** Projects that exist; a deleted one is taken out. */
  const live = new Set(['alpha', 'beta', 'gamma', 'doomed']);

  const token = (projectId: string) =>
    signPreviewToken({ projectId, userId: 'user-1', expiresAt: Date.now() + hour }, secret);
  const link = (projectId: string) => previewUrl({ projectId, token: token(projectId), port });

  /** One request to the preview server as `<projectId>.preview.localhost`, as a browser sends it. */
  function get(projectId: string, path: string, cookie?: string): Promise<HostAnswer> {
    return requestAsHost(port, `${projectId}.preview.localhost:${port}`, path, {
      headers: cookie ? { cookie } : {},
    });
  }

  /** Opens a project's fresh link; answers the `name=value` of the cookie it sets. */
  async function open(projectId: string, cookie?: string): Promise<string> {
    const url = new URL(link(projectId));
    const answer = await get(projectId, `${url.pathname}${url.search}`, cookie);
    expect(answer.status).toBe(303);
    return answer.headers['set-cookie']![0]!.split(';')[0]!;
  }

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(req.url === '/toss' ? TOSSING_PAGE : '<p>the app</p>');
    });
    upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
    preview = createPreviewServer({
      secret,
      resolve: async () => ({ url: upstreamUrl }),
      isLive: async (projectId) => live.has(projectId),
    });
    port = await listen(preview);
  });

  afterAll(async () => {
    await close(preview);
    await close(upstream);
  });

  it('sets a host-only cookie (no Domain)', async () => {
    const url = new URL(link('alpha'));
    const answer = await get('alpha', `${url.pathname}${url.search}`);
    expect(answer.headers['set-cookie']![0]).toMatch(/^forge_preview=/);
    expect(answer.headers['set-cookie']![0]).not.toMatch(/Domain=/i);
  });

  it("opens another project's fresh link though a page on one preview host tossed a Domain cookie", async () => {
    const alpha = await open('alpha');
    // alpha's page set forge_preview for Domain=preview.localhost: the browser now sends it to
    // every preview host, before a host's own (same path, created earlier).
    const tossed = alpha;
    const beta = await open('beta', tossed);
    const page = await get('beta', '/', `${tossed}; ${beta}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('the app');
    const junk = await get('beta', '/', `forge_preview=tossed; ${beta}`);
    expect(junk.status).toBe(200);
  });

  it('uses the __Host- prefix when previews are served over https', async () => {
    const secure = createPreviewServer({
      secret,
      httpsLinks: true,
      resolve: async () => ({ url: upstreamUrl }),
    });
    const securePort = await listen(secure);
    try {
      const url = new URL(link('gamma'));
      const answer = await requestAsHost(
        securePort,
        `gamma.preview.localhost:${securePort}`,
        `${url.pathname}${url.search}`,
      );
      const cookie = answer.headers['set-cookie']![0]!;
      expect(cookie).toMatch(/^__Host-forge_preview=/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await close(secure);
    }
  });

  it("refuses a deleted project's link and cookie with 404", async () => {
    const cookie = await open('doomed');
    expect((await get('doomed', '/', cookie)).status).toBe(200);
    const url = new URL(link('doomed'));
    live.delete('doomed');
    const page = await get('doomed', '/', cookie);
    expect(page.status).toBe(404);
    expect(page.body).toContain('no longer exists');
    const opened = await get('doomed', `${url.pathname}${url.search}`);
    expect(opened.status).toBe(404);
    expect(opened.headers['set-cookie']).toBeUndefined();
  });

  describe('in Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it("opens another project's fresh link after a page on one preview host tossed a Domain cookie", async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const alpha = link('alpha');
        await page.goto(alpha);
        await page.goto(`${new URL(alpha).origin}/toss`);
        await expect(page.locator('p').textContent()).resolves.toBe('tossed');
        const tossed = (await context.cookies(`http://beta.preview.localhost:${port}/`)).filter(
          (cookie) => cookie.name === 'forge_preview',
        );
        // The browser took the Domain cookie and will send it to beta too.
        expect(tossed.map((cookie) => cookie.value)).toContain('tossed');

        const answer = await page.goto(link('beta'));
        expect(answer?.status()).toBe(200);
        await expect(page.locator('p').textContent()).resolves.toBe('the app');
      } finally {
        await context.close();
      }
    });
  });
});
