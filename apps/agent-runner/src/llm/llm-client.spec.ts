import {
  createScriptedLlmServer,
  type ScriptedLlmServer,
  type ScriptedReply,
} from '@forge/scripted-llm';
import { LlmClient, type LlmClientOptions, type LlmUsage, retryAfterMs } from './llm-client';
import { LlmError, LlmErrorCode, type RetryWait, withRetries } from './llm-error';

const POLICY = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000, deadlineMs: 60_000 };

describe(LlmClient.name, () => {
  let server: ScriptedLlmServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function client(replies: ScriptedReply[], options: Partial<LlmClientOptions> = {}) {
    server = await createScriptedLlmServer({ replies, chunkSize: 5, apiKey: 'secret' });
    const usages: LlmUsage[] = [];
    const llm = new LlmClient({
      baseURL: server.url,
      apiKey: 'secret',
      models: { design: 'design-model', code: 'code-model' },
      callTimeoutMs: 5_000,
      silenceTimeoutMs: 300,
      reportCost: false,
      onUsage: (_call, usage) => void usages.push(usage),
      ...options,
    });
    return { llm, usages, server };
  }

  const call = (signal = new AbortController().signal, onDelta?: (text: string) => void) => ({
    role: 'code' as const,
    projectId: 'p',
    messages: [{ role: 'user' as const, content: 'hi' }],
    signal,
    onDelta,
  });

  it('streams the answer, with the role’s model, and reports usage', async () => {
    const { llm, usages, server } = await client(['Hello there, world']);
    const deltas: string[] = [];
    const answer = await llm.complete(call(undefined, (d) => void deltas.push(d)));
    expect(answer.text).toBe('Hello there, world');
    expect(deltas.join('')).toBe('Hello there, world');
    expect(deltas.length).toBeGreaterThan(1);
    expect(answer.model).toBe('code-model');
    expect(server.requests[0]).toMatchObject({
      model: 'code-model',
      stream: true,
      includeUsage: true,
    });
    expect(usages).toHaveLength(1);
    expect(usages[0]!.completionTokens).toBeGreaterThan(0);
  });

  it.each([
    [
      'a 429',
      { fault: 'http', status: 429, retryAfterSeconds: 1 } as ScriptedReply,
      LlmErrorCode.RateLimited,
      true,
    ],
    ['a 500', { fault: 'http', status: 500 } as ScriptedReply, LlmErrorCode.ServerError, true],
    ['a 400', { fault: 'http', status: 400 } as ScriptedReply, LlmErrorCode.Rejected, false],
    [
      'a dropped stream',
      { fault: 'drop', afterChunks: 2, text: 'abcdefghijklmnop' } as ScriptedReply,
      LlmErrorCode.Connection,
      true,
    ],
    [
      'a stall',
      { fault: 'stall', afterChunks: 1, text: 'abcdefghijklmnop' } as ScriptedReply,
      LlmErrorCode.Silence,
      true,
    ],
    [
      'a stream closed early',
      {
        fault: 'stall',
        afterChunks: 1,
        ms: 10,
        then: 'close',
        text: 'abcdefghij',
      } as ScriptedReply,
      LlmErrorCode.Truncated,
      true,
    ],
    [
      'a stream that ends ([DONE]) without finish_reason',
      { text: 'abcdefghij', finishReason: null } as ScriptedReply,
      LlmErrorCode.Truncated,
      true,
    ],
  ])('classifies %s', async (_label, reply, code, retryable) => {
    const { llm } = await client([reply]);
    const error = await llm.complete(call()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code, retryable });
  });

  it('ends a call that outlasts callTimeoutMs, even while data flows', async () => {
    const { llm } = await client([{ text: 'x'.repeat(500), chunkSize: 5, chunksPerSecond: 100 }], {
      callTimeoutMs: 200,
    });
    await expect(llm.complete(call())).rejects.toMatchObject({
      code: LlmErrorCode.Timeout,
      message: expect.stringContaining('LLM_CALL_TIMEOUT_MS=200'),
    });
  });

  it('takes a 429’s Retry-After as the least delay', async () => {
    const { llm } = await client([{ fault: 'http', status: 429, retryAfterSeconds: 1 }, 'ok']);
    const delays: number[] = [];
    const answer = await withRetries(
      POLICY,
      new AbortController().signal,
      () => llm.complete(call()),
      (wait) => {
        delays.push(wait.delayMs);
      },
    );
    expect(answer.text).toBe('ok');
    expect(delays[0]).toBeGreaterThanOrEqual(1_000);
  });

  it.each([
    ['a 429', 429],
    ['a 503', 503],
  ])('honours %s’s Retry-After past LLM_RETRY_MAX_DELAY_MS', async (_label, status) => {
    const { llm } = await client([{ fault: 'http', status, retryAfterSeconds: 1 }, 'ok']);
    const waits: RetryWait[] = [];
    const answer = await withRetries(
      { ...POLICY, maxDelayMs: 20 },
      new AbortController().signal,
      () => llm.complete(call()),
      (wait) => void waits.push(wait),
    );
    expect(answer.text).toBe('ok');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ delayMs: 1_000, askedByProvider: true });
  });

  it.each([
    ['in seconds', () => ({ retryAfterSeconds: 60 })],
    [
      'as an HTTP date',
      () => ({ headers: { 'retry-after': new Date(Date.now() + 90_000).toUTCString() } }),
    ],
  ])(
    'fails at once when a Retry-After %s ends past the call’s deadline',
    async (_label, retryAfter) => {
      const { llm, server } = await client([{ fault: 'http', status: 429, ...retryAfter() }, 'ok']);
      const waits: RetryWait[] = [];
      const error = await withRetries(
        { ...POLICY, deadlineMs: 5_000 },
        new AbortController().signal,
        () => llm.complete(call()),
        (wait) => void waits.push(wait),
      ).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: LlmErrorCode.RateLimited,
        retryable: false,
        message: expect.stringMatching(
          /the provider asked to wait (60|8\d|90) s \(Retry-After\), past this call's deadline \(LLM_CALL_TIMEOUT_MS=5000\)/,
        ),
      });
      expect(waits).toEqual([]);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('reads Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('60', now)).toBe(60_000);
    expect(retryAfterMs(' 1.5 ', now)).toBe(1_500);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('gives up after maxRetries', async () => {
    const { llm, server } = await client(Array(5).fill({ fault: 'http', status: 503 }));
    await expect(
      withRetries({ ...POLICY, maxRetries: 2 }, new AbortController().signal, () =>
        llm.complete(call()),
      ),
    ).rejects.toMatchObject({ code: LlmErrorCode.ServerError });
    expect(server.requests).toHaveLength(3);
  });

  it('stops a stream at once when the caller aborts', async () => {
    const { llm, server } = await client([
      { text: 'x'.repeat(2_000), chunkSize: 5, chunksPerSecond: 50 },
    ]);
    const controller = new AbortController();
    const pending = llm.complete(call(controller.signal, () => controller.abort()));
    await expect(pending).rejects.toMatchObject({ code: LlmErrorCode.Aborted, retryable: false });
    await server.whenIdle();
    expect(server.requests[0]!.outcome).toBe('client-aborted');
  });

  it('does not wait out a retry delay once aborted', async () => {
    const controller = new AbortController();
    const pending = withRetries(
      { maxRetries: 1, baseDelayMs: 60_000, maxDelayMs: 60_000, deadlineMs: 120_000 },
      controller.signal,
      async () => {
        throw new LlmError(LlmErrorCode.ServerError, 'down', true);
      },
      () => controller.abort(),
    );
    await expect(pending).rejects.toMatchObject({ code: LlmErrorCode.Aborted });
  });
});
