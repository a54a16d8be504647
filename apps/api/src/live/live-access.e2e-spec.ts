import { ErrorCode } from '@forge/protocol';
import { type TestDatabase } from '../../../../test/support/test-database';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { type DemoStack, eventually, type StackServer, startDemoStack } from './testing/live-stack';
import { type BrowserAuth, TestBrowser } from './testing/test-browser';

const MISSING_PROJECT = '00000000-0000-4000-8000-000000000000';

/** The session cookie's value: what a client without a cookie jar passes as auth.token. */
function sessionToken(cookie: string): string {
  const pair = cookie.split('; ').find((part) => part.split('=')[0]!.includes('session_token'));
  if (!pair) {
    throw new Error(`no session cookie in ${cookie}`);
  }
  return pair.slice(pair.indexOf('=') + 1);
}

describe('who may use the live link (e2e)', () => {
  let stack: DemoStack;
  let db: TestDatabase;
  let api: StackServer;
  let alice: TestUser;
  let bob: TestUser;
  let aliceProject: string;
  const browsers: TestBrowser[] = [];

  async function open(auth: BrowserAuth): Promise<TestBrowser> {
    const browser = await TestBrowser.connect(api.url, auth, { reconnection: false });
    browsers.push(browser);
    return browser;
  }

  beforeAll(async () => {
    stack = await startDemoStack({ api: { SOCKET_SESSION_CHECK_SECONDS: '1' } });
    ({ db, api } = stack);
    alice = await signUp(api.url);
    bob = await signUp(api.url);
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: alice.cookie,
      body: { name: 'Alice app' },
    });
    aliceProject = created.body.id as string;
  });

  afterEach(() => {
    for (const browser of browsers.splice(0)) {
      browser.close();
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  it('refuses a handshake without a valid session', async () => {
    for (const auth of [
      {},
      { cookie: 'better-auth.session_token=forged.signature' },
      { token: 'forged.signature' },
    ]) {
      await expect(open(auth)).rejects.toMatchObject({
        data: { code: ErrorCode.Unauthenticated },
      });
    }
  });

  it('accepts the session cookie, or its value as auth.token', async () => {
    expect((await open({ cookie: alice.cookie })).socket.connected).toBe(true);
    expect((await open({ token: sessionToken(alice.cookie) })).socket.connected).toBe(true);
  });

  it('refuses a page from another origin even with the cookie', async () => {
    await expect(
      open({ cookie: alice.cookie, origin: 'http://evil.example' }),
    ).rejects.toMatchObject({ data: { code: ErrorCode.ForbiddenOrigin } });
    // The web app's own origin (PUBLIC_URL) is fine.
    expect(
      (await open({ cookie: alice.cookie, origin: 'http://localhost:3000' })).socket.connected,
    ).toBe(true);
  });

  it("lets a user neither join nor command another user's project, as if it did not exist", async () => {
    const intruder = await open({ cookie: bob.cookie });
    const missing = await intruder.command('join', { projectId: MISSING_PROJECT });
    expect(missing).toMatchObject({ ok: false, error: { code: ErrorCode.ProjectNotFound } });
    for (const [name, payload] of [
      ['join', { projectId: aliceProject }],
      ['get_state', { projectId: aliceProject }],
      ['generate', { projectId: aliceProject, description: 'A todo list' }],
      ['cancel', { projectId: aliceProject }],
    ] as const) {
      const refused = await intruder.command(name, payload);
      expect(refused).toEqual({
        ok: false,
        error: { ...(missing.ok ? {} : missing.error), command: name, projectId: aliceProject },
      });
    }
    expect(intruder.snapshots).toEqual([]);
    const [row] = await db.query<{ state: string; messages: string }>(
      `SELECT s.state, (SELECT count(*) FROM conversation_messages m WHERE m.project_id = s.project_id) AS messages
       FROM agent_states s WHERE s.project_id = $1`,
      [aliceProject],
    );
    expect(row).toEqual({ state: 'IDLE', messages: '0' });

    // Alice's generation reaches her and nothing of it reaches Bob.
    const owner = await open({ cookie: alice.cookie });
    expect(await owner.join(aliceProject)).toEqual({ ok: true });
    expect(
      await owner.command('generate', { projectId: aliceProject, description: 'A todo list' }),
    ).toEqual({ ok: true });
    await owner.waitForEvent(aliceProject, 'generation_complete');
    expect(intruder.events).toEqual([]);
  });

  it('tells the tabs open on a project that it was deleted, and lets them go', async () => {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: alice.cookie,
      body: { name: 'Short-lived' },
    });
    const projectId = created.body.id as string;
    const tabs = [await open({ cookie: alice.cookie }), await open({ cookie: alice.cookie })];
    for (const tab of tabs) {
      expect(await tab.join(projectId)).toEqual({ ok: true });
    }

    const deleted = await call(api.url, 'DELETE', `/api/projects/${projectId}`, {
      cookie: alice.cookie,
    });
    expect(deleted.status).toBe(204);
    for (const tab of tabs) {
      const notice = await eventually(
        () => tab.errors.find((error) => error.projectId === projectId),
        'the deletion notice',
      );
      expect(notice).toEqual({
        code: ErrorCode.ProjectNotFound,
        message: 'This project was deleted.',
        projectId,
      });
    }
    expect(await tabs[0]!.command('get_state', { projectId })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.ProjectNotFound },
    });
  });

  it('ends the sockets of a session that signed out', async () => {
    const carol = await signUp(api.url);
    const tab = await open({ cookie: carol.cookie });
    const other = await open({ cookie: alice.cookie });
    const ended = new Promise<string>((resolve) => tab.socket.once('disconnect', resolve));
    const out = await fetch(`${api.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: carol.cookie, origin: 'http://localhost:3000' },
    });
    expect(out.status).toBe(200);
    expect(await ended).toBe('io server disconnect');
    expect(tab.errors).toEqual([
      {
        code: ErrorCode.Unauthenticated,
        message: 'Your session has ended (signed out or expired); sign in again.',
      },
    ]);
    // Another user's socket is untouched.
    expect(other.socket.connected).toBe(true);
    expect(await other.join(aliceProject)).toEqual({ ok: true });
  });
});
