import { type ApiTestApp, call, startApiTestApp } from '../testing/api-test-app';
import { SIGN_UP_CLOSED } from './sign-up-gate';

function signUpRequest(url: string, n: number): Promise<Response> {
  return fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `racer${n}-${Date.now()}@example.com`,
      password: 'correct horse battery',
      name: `Racer ${n}`,
    }),
  });
}

interface SignUpResult {
  status: number;
  body: { code?: string; message?: string };
}

async function signUps(url: string, count: number): Promise<SignUpResult[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, n) => signUpRequest(url, n)),
  );
  return Promise.all(
    responses.map(async (response) => ({
      status: response.status,
      body: (await response.json()) as SignUpResult['body'],
    })),
  );
}

describe('sign-up with the process provider (e2e)', () => {
  let api: ApiTestApp | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('without isolation, lets the first of racing sign-ups in and refuses the rest, naming SANDBOX_PROCESS_UNISOLATED', async () => {
    api = await startApiTestApp({ SANDBOX_PROVIDER: 'process', SANDBOX_PROCESS_ISOLATION: 'off' });
    const trust = await call(api.url, 'GET', '/api/sandbox-trust');
    expect(trust.body).toMatchObject({ isolated: false, firstAccountOnly: true });

    const results = await signUps(api.url, 4);
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    const refused = results.filter((result) => result.status !== 200);
    expect(refused).toHaveLength(3);
    for (const result of refused) {
      expect(result.status).toBe(403);
      expect(result.body.code).toBe(SIGN_UP_CLOSED);
      expect(result.body.message).toContain('SANDBOX_PROCESS_UNISOLATED');
    }
    const [{ count }] = await api.db.query<{ count: string }>('SELECT count(*) FROM users');
    expect(Number(count)).toBe(1);
  });

  it('without isolation but with SANDBOX_PROCESS_UNISOLATED=true, lets everyone sign up', async () => {
    api = await startApiTestApp({
      SANDBOX_PROVIDER: 'process',
      SANDBOX_PROCESS_ISOLATION: 'off',
      SANDBOX_PROCESS_UNISOLATED: 'true',
    });
    const trust = await call(api.url, 'GET', '/api/sandbox-trust');
    expect(trust.body).toMatchObject({ isolated: false, firstAccountOnly: false });
    const results = await signUps(api.url, 2);
    expect(results.map((result) => result.status)).toEqual([200, 200]);
  });

  it('with bubblewrap working here, isolates and lets everyone sign up', async () => {
    api = await startApiTestApp({ SANDBOX_PROVIDER: 'process', SANDBOX_PROCESS_ISOLATION: 'auto' });
    const trust = await call(api.url, 'GET', '/api/sandbox-trust');
    expect(trust.body).toMatchObject({ isolated: true, firstAccountOnly: false });
    const results = await signUps(api.url, 2);
    expect(results.map((result) => result.status)).toEqual([200, 200]);
  });
});
