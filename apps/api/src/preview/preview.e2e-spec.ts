import { request } from 'node:http';
import { REPORTER_TAG } from '@forge/preview';
import { type TestDatabase } from '../../../../test/support/test-database';
import {
  type DemoStack,
  freePort,
  type StackServer,
  startDemoStack,
} from '../live/testing/live-stack';
import { call, signUp, type TestUser } from '../testing/api-test-app';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request to the preview proxy on loopback with the preview's host name; a POST of `json`
 * when given, from the preview's own page (its Origin), as the browser sends it.
 */
function get(link: string, cookie?: string, json?: string): Promise<RawResponse> {
  const url = new URL(link);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: json === undefined ? 'GET' : 'POST',
        headers: {
          host: url.host,
          ...(cookie ? { cookie } : {}),
          ...(json === undefined
            ? {}
            : { 'content-type': 'application/json', origin: `${url.protocol}//${url.host}` }),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(json);
  });
}

jest.setTimeout(180_000);

describe('previews (e2e)', () => {
  let stack: DemoStack;
  let db: TestDatabase;
  let api: StackServer;
  let alice: TestUser;
  let bob: TestUser;
  let projectId: string;
  let otherProjectId: string;

  beforeAll(async () => {
    const previewPort = await freePort();
    stack = await startDemoStack({
      sandboxes: 'forge-preview-',
      api: {
        PREVIEW_PORT: String(previewPort),
        PREVIEW_TOKEN_SECRET: 'preview-secret-for-the-tests-0123456789',
        PREVIEW_URL_TEMPLATE: `http://{projectId}.preview.localhost:${previewPort}`,
      },
    });
    ({ db, api } = stack);
    alice = await signUp(api.url);
    bob = await signUp(api.url);
    projectId = (
      await call(api.url, 'POST', '/api/projects', { cookie: alice.cookie, body: { name: 'P' } })
    ).body.id;
    otherProjectId = (
      await call(api.url, 'POST', '/api/projects', { cookie: alice.cookie, body: { name: 'Q' } })
    ).body.id;
    await db.query(
      `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, 'src/App.tsx', $2, 1)`,
      [projectId, 'export default function App() {\n  return <h1>Hello preview</h1>;\n}\n'],
    );
  });
  afterAll(() => stack?.close());

  it('gives the owner a signed link and anyone else a 404', async () => {
    const link = await call(api.url, 'GET', `/api/projects/${projectId}/preview`, {
      cookie: alice.cookie,
    });
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(
      new RegExp(`^http://${projectId}\\.preview\\.localhost:\\d+/\\?forge_preview_token=`),
    );
    expect(
      (await call(api.url, 'GET', `/api/projects/${projectId}/preview`, { cookie: bob.cookie }))
        .status,
    ).toBe(404);
    expect((await call(api.url, 'GET', `/api/projects/${projectId}/preview`)).status).toBe(401);
  });

  it('serves the app from its sandbox once the link is opened, waking the dev server', async () => {
    const { url } = (
      await call(api.url, 'GET', `/api/projects/${projectId}/preview`, { cookie: alice.cookie })
    ).body;
    const opened = await get(url);
    expect(opened.status).toBe(303);
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    const origin = new URL(url).origin;

    const page = await get(`${origin}/`, cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.body).toContain(`<head>${REPORTER_TAG}`);
    const reported = await get(
      `${origin}/__forge/errors`,
      cookie,
      JSON.stringify([{ kind: 'error', message: 'Error: boom' }]),
    );
    // Taken even while the runner cannot use it: a failed relay is logged, not the browser's problem.
    expect(reported.status).toBe(204);
    const app = await get(`${origin}/src/App.tsx`, cookie);
    expect(app.status).toBe(200);
    expect(app.body).toContain('Hello preview');
  });

  it('refuses a request without a token, and a token for another project', async () => {
    const { url } = (
      await call(api.url, 'GET', `/api/projects/${projectId}/preview`, { cookie: alice.cookie })
    ).body;
    const origin = new URL(url).origin;
    expect((await get(`${origin}/`)).status).toBe(401);

    const other = (
      await call(api.url, 'GET', `/api/projects/${otherProjectId}/preview`, {
        cookie: alice.cookie,
      })
    ).body.url as string;
    const token = new URL(other).searchParams.get('forge_preview_token')!;
    const wrong = await get(`${origin}/?forge_preview_token=${token}`);
    expect(wrong.status).toBe(403);
  });

  it("stops serving a deleted project's preview at once: its cookie and links answer 404", async () => {
    const doomed = (
      await call(api.url, 'POST', '/api/projects', { cookie: alice.cookie, body: { name: 'D' } })
    ).body.id as string;
    await db.query(
      `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, 'src/App.tsx', $2, 1)`,
      [doomed, 'export default function App() {\n  return <h1>Doomed</h1>;\n}\n'],
    );
    const { url } = (
      await call(api.url, 'GET', `/api/projects/${doomed}/preview`, { cookie: alice.cookie })
    ).body;
    const opened = await get(url);
    expect(opened.status).toBe(303);
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    const origin = new URL(url).origin;
    expect((await get(`${origin}/`, cookie)).status).toBe(200);

    expect(
      (await call(api.url, 'DELETE', `/api/projects/${doomed}`, { cookie: alice.cookie })).status,
    ).toBe(204);
    const page = await get(`${origin}/`, cookie);
    expect(page.status).toBe(404);
    expect(page.body).toContain('no longer exists');
    expect((await get(`${origin}/src/App.tsx`, cookie)).status).toBe(404);
    const link = await get(url);
    expect(link.status).toBe(404);
    expect(link.headers['set-cookie']).toBeUndefined();
  });
});
