import { type Server } from 'node:http';
import { requestAsHost } from '../../../../test/support/host-request';
import { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import {
  createPublishedServer,
  PUBLISHED_ACCESS_PARAM,
  type PublishedApp,
} from './published-server';
import { contentTypeOf, lookupSitePath, publishedSite } from './published-site';

const files = [
  { path: 'index.html', content: Buffer.from('<!doctype html><div id="root"></div>') },
  { path: 'assets/index-AbCd1234.js', content: Buffer.from('console.log(1)') },
  { path: 'assets/index-EfGh5678.css', content: Buffer.from('body{}') },
  { path: 'favicon.svg', content: Buffer.from('<svg/>') },
  { path: 'logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]) },
  { path: 'docs/index.html', content: Buffer.from('<p>docs</p>') },
];

describe(lookupSitePath.name, () => {
  const site = publishedSite(files);

  it('finds files, folder indexes, and falls back to index.html for app routes', () => {
    expect(lookupSitePath(site, '/')).toMatchObject({ kind: 'file', path: 'index.html' });
    expect(lookupSitePath(site, '/favicon.svg')).toMatchObject({ path: 'favicon.svg' });
    expect(lookupSitePath(site, '/docs/')).toMatchObject({ path: 'docs/index.html' });
    expect(lookupSitePath(site, '/docs')).toMatchObject({ path: 'docs/index.html' });
    expect(lookupSitePath(site, '/todos/42')).toMatchObject({ path: 'index.html' });
    expect(lookupSitePath(site, '/assets/missing.js')).toEqual({ kind: 'missing' });
  });

  it('refuses dot segments, encoded slashes, backslashes and NUL instead of resolving them', () => {
    for (const path of [
      '/../index.html',
      '/assets/../index.html',
      '/%2e%2e/index.html',
      '/assets%2f..%2findex.html',
      '/./index.html',
      '/a\\b',
      '/%00',
      '/%E0%A4%A',
    ]) {
      expect({ path, kind: lookupSitePath(site, path).kind }).toEqual({ path, kind: 'bad' });
    }
  });

  it('never answers a file that is not in the site, whatever the path', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.string(), (path, junk) => {
        for (const raw of [path || '/', `/${junk}`, `/${encodeURIComponent(junk)}`]) {
          const found = lookupSitePath(site, raw);
          if (found.kind === 'file') {
            expect(site.files.get(found.path)).toBe(found.entry);
          }
        }
      }),
    );
  });

  it('types files by extension', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('assets/a-1.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('logo.png')).toBe('image/png');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('x.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('LICENSE')).toBe('application/octet-stream');
    expect(contentTypeOf('.env')).toBe('application/octet-stream');
  });
});

describe(createPublishedServer.name, () => {
  let server: Server;
  let port: number;
  const apps = new Map<string, PublishedApp>();

  beforeAll(async () => {
    const site = publishedSite(files);
    apps.set('open-app', { site, open: true, allows: () => true });
    apps.set('secret-app', { site, open: false, allows: (credential) => credential === 's3cret' });
    server = createPublishedServer({
      hostSuffix: 'apps.localhost',
      resolveTimeoutMs: 5_000,
      resolve: async (slug) => apps.get(slug) ?? null,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const get = (host: string, path: string, headers: Record<string, string> = {}, method = 'GET') =>
    requestAsHost(port, host, path, { headers, method });

  it('serves files with their type, ETag and caching, and 304 on a match', async () => {
    const page = await get('open-app.apps.localhost:1', '/some/route');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('public, no-cache');
    expect(page.body).toContain('id="root"');
    const script = await get('open-app.apps.localhost', '/assets/index-AbCd1234.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    const png = await get('open-app.apps.localhost', '/logo.png');
    expect(png.bytes).toEqual(files[4]!.content);
    const again = await get('open-app.apps.localhost', '/logo.png', {
      'if-none-match': String(png.headers.etag),
    });
    expect(again.status).toBe(304);
    const head = await get('open-app.apps.localhost', '/favicon.svg', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.bytes.length).toBe(0);
    expect((await get('open-app.apps.localhost', '/', {}, 'POST')).status).toBe(405);
  });

  it('refuses traversal, and answers 404 for other hosts and unknown slugs', async () => {
    expect((await get('open-app.apps.localhost', '/../../etc/passwd')).status).toBe(400);
    expect((await get('open-app.apps.localhost', '/assets/%2e%2e/%2e%2e/x')).status).toBe(400);
    expect((await get('open-app.apps.localhost', '/missing.js')).status).toBe(404);
    expect((await get('nobody.apps.localhost', '/')).status).toBe(404);
    expect((await get('open-app.other.localhost', '/')).status).toBe(404);
    expect((await get('Bad_Host.apps.localhost', '/')).status).toBe(404);
  });

  it('opens an app behind a credential only with it, through a host-only cookie', async () => {
    const bare = await get('secret-app.apps.localhost', '/');
    expect(bare.status).toBe(404);
    expect(bare.body).not.toContain('id="root"');
    const wrong = await get('secret-app.apps.localhost', `/?${PUBLISHED_ACCESS_PARAM}=nope`);
    expect(wrong.status).toBe(404);
    const link = await get(
      'secret-app.apps.localhost',
      `/todos?${PUBLISHED_ACCESS_PARAM}=s3cret&a=1`,
    );
    expect(link.status).toBe(303);
    expect(link.headers.location).toBe('/todos?a=1');
    const cookie = String(link.headers['set-cookie']);
    expect(cookie).toMatch(
      /^forge_app_access=s3cret; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
    );
    const opened = await get('secret-app.apps.localhost', '/todos?a=1', {
      cookie: cookie.split(';')[0]!,
    });
    expect(opened.status).toBe(200);
    expect(opened.headers['cache-control']).toBe('private, no-cache');
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
  });
});
