import { request } from 'node:http';
import {
  signUp,
  startApiTestApp,
  TEST_UI_ORIGIN,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

const LIMIT = 64 * 1024;
/** What the client offers: far past the limit, sent in chunks with no Content-Length. */
const OFFERED = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

interface ChunkedAnswer {
  status: number;
  body: { code?: string; message?: string };
  /** Bytes the client had written when the answer came. */
  sentBeforeAnswer: number;
  /** Bytes written in all when the connection ended (or the client gave up). */
  sentInAll: number;
}

/**
 * POSTs OFFERED bytes with Transfer-Encoding: chunked, writing only as fast as the server reads
 * (each write waits for the socket to drain); it stops writing once the answer comes unless
 * `keepWriting`, and then goes on until the server ends the connection.
 */
function postChunked(
  url: string,
  path: string,
  headers: Record<string, string>,
  keepWriting = false,
): Promise<ChunkedAnswer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let answer: Omit<ChunkedAnswer, 'sentInAll'> | undefined;
    const finish = () => answer && resolve({ ...answer, sentInAll: sent });
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'transfer-encoding': 'chunked', ...headers },
      },
      (res) => {
        answered = true;
        const sentBeforeAnswer = sent;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, body: JSON.parse(text), sentBeforeAnswer };
          if (!keepWriting || sent >= OFFERED) {
            req.destroy();
            finish();
          }
        });
        res.on('error', reject);
      },
    );
    // Once the server has answered and closed, writes fail: that is expected.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.on('close', finish);
    const writeMore = () => {
      while ((keepWriting || !answered) && sent < OFFERED && !req.destroyed) {
        sent += CHUNK.length;
        if (!req.write(CHUNK)) {
          return void req.once('drain', writeMore);
        }
      }
      if (!answered) {
        req.end();
      }
    };
    writeMore();
  });
}

describe('request body limit (e2e)', () => {
  let api: ApiTestApp;
  let alice: TestUser;

  beforeAll(async () => {
    api = await startApiTestApp({ HTTP_BODY_LIMIT_BYTES: String(LIMIT) });
    alice = await signUp(api.url);
  });
  afterAll(() => api.close());

  function expectCutOff(answer: ChunkedAnswer) {
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(answer.body.message).toContain('HTTP_BODY_LIMIT_BYTES');
    // Answered long before the client could send it all: the server stopped reading.
    expect(answer.sentBeforeAnswer).toBeLessThan(OFFERED / 2);
  }

  it('cuts off a chunked body over the limit to /api/auth/sign-up/email with 413', async () => {
    expectCutOff(
      await postChunked(api.url, '/api/auth/sign-up/email', {
        'content-type': 'application/json',
        origin: TEST_UI_ORIGIN,
      }),
    );
  });

  it('cuts off a chunked body over the limit to /api/projects with 413', async () => {
    expectCutOff(
      await postChunked(api.url, '/api/projects', {
        'content-type': 'application/json',
        cookie: alice.cookie,
        origin: TEST_UI_ORIGIN,
      }),
    );
  });

  it('ends the connection of a chunked body over the limit that the route answered unread', async () => {
    const answer = await postChunked(
      api.url,
      '/api/projects',
      { 'content-type': 'application/octet-stream', cookie: alice.cookie, origin: TEST_UI_ORIGIN },
      true,
    );
    expect(answer.status).toBe(400); // no JSON body: no name
    // Not drained for a next request on the connection: ended once past the limit.
    expect(answer.sentInAll).toBeLessThan(OFFERED / 2);
  });

  it('still serves the next request after a body was cut off', async () => {
    const response = await fetch(`${api.url}/api/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie, origin: TEST_UI_ORIGIN },
      body: JSON.stringify({ name: 'x'.repeat(50) }),
    });
    expect(response.status).toBe(201);
  });
});
