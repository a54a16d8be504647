import { type CommandAck, ErrorCode } from '@forge/protocol';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { type DemoStack, eventually, type StackServer, startDemoStack } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';
import { LiveGateway } from './live.gateway';

const MESSAGE_MAX_BYTES = 4_096;
const FRAME_MAX_BYTES = 16_384;
const PROMPT_MAX_CHARS = 100;

describe(LiveGateway.name, () => {
  let stack: DemoStack;
  let api: StackServer;
  let user: TestUser;
  let projectId: string;
  const browsers: TestBrowser[] = [];

  async function open(): Promise<TestBrowser> {
    const browser = await TestBrowser.connect(
      api.url,
      { cookie: user.cookie },
      { reconnection: false },
    );
    browsers.push(browser);
    return browser;
  }

  /** The server still answers: a new socket joins and gets a snapshot. */
  async function expectServerUp(): Promise<void> {
    const fresh = await open();
    expect(await fresh.join(projectId)).toEqual({ ok: true });
    expect(fresh.snapshots).toHaveLength(1);
  }

  beforeAll(async () => {
    stack = await startDemoStack({
      llm: { chunksPerSecond: 100 },
      api: {
        SOCKET_MESSAGE_MAX_BYTES: String(MESSAGE_MAX_BYTES),
        SOCKET_FRAME_MAX_BYTES: String(FRAME_MAX_BYTES),
        GENERATE_PROMPT_MAX_CHARS: String(PROMPT_MAX_CHARS),
        GENERATE_RATE_LIMIT_MAX: '2',
        GENERATE_RATE_LIMIT_WINDOW_SECONDS: '3600',
      },
    });
    ({ api } = stack);
    user = await signUp(api.url);
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name: 'Target' },
    });
    projectId = created.body.id as string;
  });

  afterEach(() => {
    for (const browser of browsers.splice(0)) {
      browser.close();
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers malformed commands with INVALID_COMMAND errors', async () => {
    const browser = await open();
    const malformed: [string, unknown[]][] = [
      ['join', []],
      ['join', ['not an object']],
      ['join', [null]],
      ['join', [[projectId]]],
      ['join', [{ projectId: 'not-a-uuid' }]],
      ['join', [{ projectId, extra: true }]],
      ['join', [{ projectId }, 'a second argument']],
      ['generate', [{ projectId }]],
      ['generate', [{ projectId, description: 42 }]],
      ['cancel', [{ projectId: { $ne: null } }]],
      ['leave', [JSON.parse(`{"projectId":"${projectId}","__proto__":{"admin":true}}`)]],
    ];
    for (const [name, args] of malformed) {
      const ack = (await browser.socket.timeout(10_000).emitWithAck(name, ...args)) as CommandAck;
      expect(ack).toMatchObject({
        ok: false,
        error: { code: ErrorCode.InvalidCommand, command: name },
      });
    }
    // Without an acknowledgement the refusal still arrives, as an error event.
    const before = browser.errors.length;
    browser.socket.emit('join', { projectId: 'nope' });
    await eventually(() => (browser.errors.length > before ? true : undefined), 'an error event');
    expect(browser.errors.at(-1)).toMatchObject({ code: ErrorCode.InvalidCommand });
    expect(browser.socket.connected).toBe(true);
    await expectServerUp();
  });

  it('answers unknown commands with UNKNOWN_COMMAND errors', async () => {
    const browser = await open();
    for (const name of ['hack', 'snapshot', 'constructor', '__proto__', 'x'.repeat(500)]) {
      const ack = (await browser.socket.timeout(10_000).emitWithAck(name, {})) as CommandAck;
      expect(ack).toMatchObject({ ok: false, error: { code: ErrorCode.UnknownCommand } });
    }
    expect(browser.socket.connected).toBe(true);
  });

  it('refuses empty and oversized prompts, naming the limit', async () => {
    const browser = await open();
    expect(await browser.command('generate', { projectId, description: '   ' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.PromptEmpty },
    });
    const tooLong = await browser.command('generate', {
      projectId,
      description: 'x'.repeat(PROMPT_MAX_CHARS + 1),
    });
    expect(tooLong).toMatchObject({ ok: false, error: { code: ErrorCode.PromptTooLong } });
    expect(tooLong.ok || tooLong.error.message).toContain('GENERATE_PROMPT_MAX_CHARS');
  });

  it('answers a message over SOCKET_MESSAGE_MAX_BYTES with an error naming it, and goes on', async () => {
    const browser = await open();
    const answer = await browser.command('save_file', {
      projectId,
      path: 'src/App.tsx',
      content: 'x'.repeat(MESSAGE_MAX_BYTES),
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: ErrorCode.MessageTooLarge, command: 'save_file' },
    });
    expect(answer.ok || answer.error.message).toContain('SOCKET_MESSAGE_MAX_BYTES');
    expect(browser.errors.at(-1)).toMatchObject({ code: ErrorCode.MessageTooLarge });
    // An unknown command that is too large is refused for its size, the same way.
    browser.socket.emit('shout', 'x'.repeat(MESSAGE_MAX_BYTES));
    await eventually(() => (browser.errors.length === 2 ? true : undefined), 'the second refusal');
    expect(browser.errors[1]).toMatchObject({ code: ErrorCode.MessageTooLarge });
    // The connection is still there and the next command is judged on its own.
    expect(browser.socket.connected).toBe(true);
    expect(await browser.join(projectId)).toEqual({ ok: true });
  });

  it('closes only the connection that sends a frame over SOCKET_FRAME_MAX_BYTES', async () => {
    const browser = await open();
    const closed = new Promise<string>((resolve) => browser.socket.once('disconnect', resolve));
    browser.socket.emit('generate', { projectId, description: 'x'.repeat(FRAME_MAX_BYTES) });
    expect(await closed).toBe('transport close');
    await expectServerUp();
  });

  it('closes only the connection that sends bytes Socket.IO cannot decode', async () => {
    const browser = await open();
    const closed = new Promise<string>((resolve) => browser.socket.once('disconnect', resolve));
    browser.socket.io.engine.write('2{"not":"socket.io');
    await closed;
    await expectServerUp();
  });

  it('limits generations per user and names the limit in the error', async () => {
    const browser = await open();
    await browser.join(projectId);
    expect(await browser.command('generate', { projectId, description: 'A todo list' })).toEqual({
      ok: true,
    });
    // Refused as busy, and counted: the budget is for attempts.
    expect(
      await browser.command('generate', { projectId, description: 'A todo list' }),
    ).toMatchObject({ ok: false, error: { code: ErrorCode.GenerationRunning } });
    const limited = await browser.command('generate', { projectId, description: 'A todo list' });
    expect(limited).toMatchObject({
      ok: false,
      error: { code: ErrorCode.RateLimited, retryAfterSeconds: expect.any(Number) },
    });
    expect(limited.ok || limited.error.message).toContain('GENERATE_RATE_LIMIT_MAX');
    expect(await browser.command('cancel', { projectId })).toEqual({ ok: true });
  });
});
