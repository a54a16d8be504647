import {
  call,
  signUp,
  startApiTestApp,
  TEST_UI_ORIGIN,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

const TRUSTED = 'https://admin.example.com';
const FOREIGN = 'https://evil.example';
/** A generated app's preview: same-site with a UI on localhost, yet never trusted. */
const PREVIEW = 'http://0b9a4c1e-0000-4000-8000-000000000000.preview.localhost:3004';

describe('cross-site writes (e2e)', () => {
  let api: ApiTestApp;
  let alice: TestUser;
  let projectId: string;

  beforeAll(async () => {
    api = await startApiTestApp({ AUTH_TRUSTED_ORIGINS: TRUSTED });
    alice = await signUp(api.url);
    projectId = (
      await call(api.url, 'POST', '/api/projects', { cookie: alice.cookie, body: { name: 'Mine' } })
    ).body.id;
  });
  afterAll(() => api.close());

  /** A raw write as a page would send it: `headers` say where it comes from. */
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetch(`${api.url}${path}`, { method, headers: { cookie: alice.cookie, ...headers }, body });

  const projectNames = async () =>
    (await call(api.url, 'GET', '/api/projects', { cookie: alice.cookie })).body.items.map(
      (project: { name: string }) => project.name,
    ) as string[];

  async function expectRefused(response: Response) {
    expect(response.status).toBe(403);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('CROSS_SITE_REQUEST');
    expect(body.message).toContain('PUBLIC_URL');
  }

  it('refuses a cross-origin POST /api/projects with a JSON body', async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { origin: FOREIGN, 'content-type': 'application/json' },
        JSON.stringify({ name: 'Planted json' }),
      ),
    );
    expect(await projectNames()).not.toContain('Planted json');
  });

  it('refuses a cross-origin POST /api/projects with a form-encoded body', async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { origin: FOREIGN, 'content-type': 'application/x-www-form-urlencoded' },
        'name=Planted+form',
      ),
    );
    expect(await projectNames()).not.toContain('Planted form');
  });

  it('refuses a cross-origin PATCH /api/projects/:id', async () => {
    await expectRefused(
      await send(
        'PATCH',
        `/api/projects/${projectId}`,
        { origin: FOREIGN, 'content-type': 'application/json' },
        JSON.stringify({ name: 'Renamed' }),
      ),
    );
    expect(await projectNames()).toContain('Mine');
  });

  it('refuses a cross-origin DELETE /api/projects/:id', async () => {
    await expectRefused(await send('DELETE', `/api/projects/${projectId}`, { origin: FOREIGN }));
    expect(await projectNames()).toContain('Mine');
  });

  it("refuses a POST /api/projects from a preview's origin", async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { origin: PREVIEW, 'content-type': 'application/json' },
        JSON.stringify({ name: 'From a preview' }),
      ),
    );
    expect(await projectNames()).not.toContain('From a preview');
  });

  it('refuses an opaque (null) Origin', async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { origin: 'null', 'content-type': 'application/json' },
        JSON.stringify({ name: 'Sandboxed' }),
      ),
    );
  });

  it('refuses a cross-origin POST /api/auth/sign-out', async () => {
    await expectRefused(await send('POST', '/api/auth/sign-out', { origin: FOREIGN }));
    expect((await call(api.url, 'GET', '/api/me', { cookie: alice.cookie })).status).toBe(200);
  });

  it('refuses a cross-origin sign-in (login CSRF)', async () => {
    const response = await fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { origin: FOREIGN, 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(alice.email)}&password=${encodeURIComponent(alice.password)}`,
    });
    await expectRefused(response);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a cross-site write told by Sec-Fetch-Site alone', async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
        JSON.stringify({ name: 'Same site' }),
      ),
    );
  });

  it("refuses a write whose Referer is another site's page", async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { referer: `${FOREIGN}/page`, 'content-type': 'application/json' },
        JSON.stringify({ name: 'Referred' }),
      ),
    );
  });

  it('refuses a write with a session cookie that says nothing of where it comes from', async () => {
    await expectRefused(
      await send(
        'POST',
        '/api/projects',
        { 'content-type': 'application/json' },
        JSON.stringify({ name: 'Anonymous' }),
      ),
    );
    expect(await projectNames()).not.toContain('Anonymous');
  });

  it("takes writes from the UI's origin, a trusted origin and a same-origin fetch", async () => {
    const json = { 'content-type': 'application/json' };
    for (const [name, headers] of [
      ['From the UI', { origin: TEST_UI_ORIGIN }],
      ['From a trusted origin', { origin: TRUSTED }],
      ['Same origin', { 'sec-fetch-site': 'same-origin' }],
      ['Referred by the UI', { referer: `${TEST_UI_ORIGIN}/projects` }],
    ] as const) {
      const response = await send(
        'POST',
        '/api/projects',
        { ...json, ...headers },
        JSON.stringify({ name }),
      );
      expect({ name, status: response.status }).toEqual({ name, status: 201 });
    }
  });

  it('lets a client without cookies or Origin (curl, a script) sign up and in', async () => {
    const email = `script-${Date.now()}@example.com`;
    const body = JSON.stringify({ email, password: 'correct horse battery', name: 'Script' });
    const up = await fetch(`${api.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(up.status).toBe(200);
    const signIn = await fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(signIn.status).toBe(200);
  });

  it('sets the session cookie host-only, HttpOnly and SameSite=Lax', async () => {
    const response = await fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_UI_ORIGIN },
      body: JSON.stringify({ email: alice.email, password: alice.password }),
    });
    expect(response.status).toBe(200);
    const session = response.headers.getSetCookie().find((cookie) => /session_token=/.test(cookie));
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).not.toMatch(/;\s*Domain=/i);
  });
});
