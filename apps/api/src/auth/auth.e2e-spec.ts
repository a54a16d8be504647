import {
  call,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  sessionCookie,
  TEST_UI_ORIGIN,
} from '../testing/api-test-app';

describe('auth (e2e)', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp();
  });
  afterAll(() => api.close());

  it('signs up, reads /api/me, signs out and loses the session', async () => {
    const user = await signUp(api.url, { name: 'Ada' });
    expect(user.cookie).toMatch(/session_token=/);

    const me = await call(api.url, 'GET', '/api/me', { cookie: user.cookie });
    expect(me).toEqual({ status: 200, body: { id: user.id, email: user.email, name: 'Ada' } });

    const out = await fetch(`${api.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: user.cookie, origin: 'http://localhost:3000' },
    });
    expect(out.status).toBe(200);
    expect((await call(api.url, 'GET', '/api/me', { cookie: user.cookie })).status).toBe(401);
  });

  it('signs in with the right password and not with a wrong one', async () => {
    const user = await signUp(api.url);
    const wrong = await fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'not the password' }),
    });
    expect(wrong.status).toBe(401);

    const right = await fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(right.status).toBe(200);
    const cookie = sessionCookie(right);
    expect(right.headers.getSetCookie().join(';')).toMatch(/HttpOnly/i);
    expect((await call(api.url, 'GET', '/api/me', { cookie })).body.email).toBe(user.email);
  });

  it.each([
    ['GET', '/api/me'],
    ['GET', '/api/projects'],
    ['POST', '/api/projects'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000'],
    ['PATCH', '/api/projects/00000000-0000-4000-8000-000000000000'],
    ['DELETE', '/api/projects/00000000-0000-4000-8000-000000000000'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/files'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/files/src/App.tsx'],
    ['GET', '/api/projects/00000000-0000-4000-8000-000000000000/messages'],
  ])('answers 401 to %s %s without a session', async (method, path) => {
    const result = await call(api.url, method, path, { body: method === 'GET' ? undefined : {} });
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 to a forged session cookie', async () => {
    const result = await call(api.url, 'GET', '/api/me', {
      cookie: 'better-auth.session_token=forged.signature',
    });
    expect(result.status).toBe(401);
  });

  it('keeps health public', async () => {
    expect(await call(api.url, 'GET', '/api/health')).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    expect(await call(api.url, 'GET', '/api/health/ready')).toEqual({
      status: 200,
      body: { status: 'ok', database: 'up' },
    });
  });
});

describe('sign-in rate limit (e2e)', () => {
  let api: ApiTestApp;

  beforeAll(async () => {
    api = await startApiTestApp({ AUTH_SIGNIN_RATE_LIMIT_MAX: '3' });
  });
  afterAll(() => api.close());

  it('answers 429 after AUTH_SIGNIN_RATE_LIMIT_MAX attempts from one address', async () => {
    const attempt = () =>
      fetch(`${api.url}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.0.0.${Math.random() * 250}`,
        },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await attempt()).status);
    }
    // A forged X-Forwarded-For changes nothing: the limit follows the real connection.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('sign-up rate limit (e2e)', () => {
  let api: ApiTestApp;

  beforeEach(async () => {
    api = await startApiTestApp({ AUTH_SIGNIN_RATE_LIMIT_MAX: '3' });
  });
  afterEach(() => api.close());

  const signUpAttempt = (n: number) =>
    fetch(`${api.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_UI_ORIGIN },
      body: JSON.stringify({
        email: `limit-${n}-${Date.now()}@example.com`,
        password: 'correct horse battery',
        name: 'Limit',
      }),
    });
  const signInAttempt = () =>
    fetch(`${api.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_UI_ORIGIN },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
    });

  it('answers 429 to the (max+1)th sign-up in a row from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await signUpAttempt(i)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('counts sign-ups and sign-ins against one budget', async () => {
    const statuses = [
      (await signInAttempt()).status,
      (await signUpAttempt(1)).status,
      (await signInAttempt()).status,
      (await signUpAttempt(2)).status,
      (await signInAttempt()).status,
    ];
    expect(statuses).toEqual([401, 200, 401, 429, 429]);
  });
});

describe('secrets in logs (e2e)', () => {
  it('never writes a password or a session token to the logs', async () => {
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        written.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof stream.write;
      return () => (stream.write = original);
    };
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' '))),
    );
    const restoreOut = capture(process.stdout);
    const restoreErr = capture(process.stderr);
    // development logs the most; the guard must hold there too.
    const api = await startApiTestApp({ NODE_ENV: 'development', AUTH_SIGNIN_RATE_LIMIT_MAX: '2' });
    try {
      const password = 'a-very-secret-passphrase-4711';
      const user = await signUp(api.url, { password });
      const token = user.cookie.split('=')[1]!.split('.')[0]!;
      for (const attempt of [password, `${password}-wrong`, password]) {
        await fetch(`${api.url}/api/auth/sign-in/email`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: user.email, password: attempt }),
        });
      }
      await call(api.url, 'GET', '/api/me', { cookie: user.cookie });
      const log = written.join('\n');
      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(password);
      expect(log).not.toContain(token);
    } finally {
      await api.close();
      restoreOut();
      restoreErr();
      consoleSpies.forEach((spy) => spy.mockRestore());
    }
  });
});
