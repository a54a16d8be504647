import OpenAI from 'openai';
import { collectStream, sdkClient, USER_MESSAGES } from '../testing/sdk-client';
import { createScriptedLlmServer, type ScriptedLlmServer } from './scripted-llm-server';

const TEXT = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe('scripted faults', () => {
  let server: ScriptedLlmServer;
  afterEach(async () => {
    await server?.close();
  });

  it('fails the first call with 429 and retry-after; the SDK retries and gets the answer', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'http', status: 429 }, 'second time lucky'],
    });
    const { pieces } = await collectStream(sdkClient(server, { maxRetries: 2 }));
    expect(pieces.join('')).toBe('second time lucky');
    expect(server.requests.map((request) => request.outcome)).toEqual(['http-error', 'completed']);
    expect(server.requests[1].headers['x-stainless-retry-count']).toBe('1');
  });

  it('gives the SDK a RateLimitError with the retry-after header when it does not retry', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'http', status: 429, retryAfterSeconds: 7, message: 'slow down' }],
    });
    const error = await collectStream(sdkClient(server)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers.get('retry-after')).toBe('7');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.message).toContain('slow down');
  });

  it('fails with 500 then succeeds, through the SDK retry', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'http', status: 500, retryAfterSeconds: 0 }, 'recovered'],
    });
    const { pieces } = await collectStream(sdkClient(server, { maxRetries: 1 }));
    expect(pieces.join('')).toBe('recovered');
    expect(server.requests).toHaveLength(2);
  });

  it('fails with 503, and x-should-retry: false stops the SDK from retrying', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'http', status: 503, retryable: false }, 'never'],
    });
    const error = await collectStream(sdkClient(server, { maxRetries: 3 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('drops the connection mid-stream: the SDK reader fails after the first chunks', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'drop', afterChunks: 2, text: TEXT, chunkSize: 4 }],
    });
    const stream = await sdkClient(server).chat.completions.create({
      model: 'm',
      messages: USER_MESSAGES,
      stream: true,
    });
    const pieces: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        pieces.push(chunk.choices[0]?.delta.content ?? '');
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(pieces.join('')).toBe('abcdefgh');
    expect(server.requests[0]).toMatchObject({ outcome: 'dropped', chunksSent: 2 });
  });

  it('drops the connection before the response: the SDK sees a connection error', async () => {
    server = await createScriptedLlmServer({ replies: [{ fault: 'drop', beforeHeaders: true }] });
    await expect(collectStream(sdkClient(server))).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
  });

  it('stalls before the response until the SDK times out, then frees the request', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'stall', beforeHeaders: true, text: TEXT }],
    });
    // Outside jest the SDK throws its APIConnectionTimeoutError subclass; inside jest's VM the
    // abort's DOMException comes from another realm and the SDK cannot tell it is a timeout.
    await expect(collectStream(sdkClient(server, { timeout: 300 }))).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    await server.whenIdle();
    expect(server.requests[0].outcome).toBe('client-aborted');
  });

  it('stalls mid-stream for a while, then goes on to the end', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'stall', afterChunks: 3, ms: 150, text: TEXT, chunkSize: 5 }],
    });
    const { pieces, chunks } = await collectStream(sdkClient(server));
    expect(pieces.join('')).toBe(TEXT);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    expect(server.requests[0].outcome).toBe('completed');
  });

  it('stalls mid-stream for ever until the client gives up and aborts', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'stall', afterChunks: 2, text: TEXT, chunkSize: 5 }],
    });
    const stream = await sdkClient(server).chat.completions.create({
      model: 'm',
      messages: USER_MESSAGES,
      stream: true,
    });
    const pieces: string[] = [];
    // The client's own idle timer, as the agent has: abort when nothing came for 200 ms.
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => stream.controller.abort(), 200);
    };
    armIdle();
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      armIdle();
    }
    clearTimeout(idle);
    expect(pieces.join('')).toBe('abcdefghij');
    await server.whenIdle();
    expect(server.requests[0]).toMatchObject({ outcome: 'client-aborted', chunksSent: 2 });
  });

  it('stalls, then ends the stream cleanly with no finish_reason', async () => {
    server = await createScriptedLlmServer({
      replies: [
        { fault: 'stall', afterChunks: 1, ms: 10, then: 'close', text: TEXT, chunkSize: 6 },
      ],
    });
    const { pieces, chunks } = await collectStream(sdkClient(server));
    expect(pieces.join('')).toBe('abcdef');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(server.requests[0].outcome).toBe('closed-early');
  });

  it('sends an error event mid-stream, which the SDK throws as an APIError', async () => {
    server = await createScriptedLlmServer({
      replies: [
        { fault: 'error-event', afterChunks: 1, message: 'provider died', code: 'x', text: TEXT },
      ],
    });
    const error = await collectStream(sdkClient(server)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('provider died');
  });

  it('applies faults to non-streaming calls too', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'drop' }, { fault: 'stall', ms: 20, text: 'late' }],
    });
    const client = sdkClient(server);
    const create = () => client.chat.completions.create({ model: 'm', messages: USER_MESSAGES });
    await expect(create()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect((await create()).choices[0].message.content).toBe('late');
  });

  it('fails loudly, without SDK retries, when the script runs out or breaks', async () => {
    server = await createScriptedLlmServer({
      handler: (request) => {
        if (request.index === 0) {
          return { fault: 'http', status: 200 };
        }
        throw new Error('boom');
      },
    });
    const client = sdkClient(server, { maxRetries: 2 });
    await expect(collectStream(client)).rejects.toMatchObject({
      status: 500,
      code: 'script_error',
    });
    await expect(collectStream(client)).rejects.toThrow('boom');
    expect(server.requests.map((request) => request.outcome)).toEqual([
      'script-error',
      'script-error',
    ]);
    expect(server.requests[0].error).toContain('400 to 599');

    await server.close();
    server = await createScriptedLlmServer({ replies: ['only one'] });
    await collectStream(sdkClient(server));
    await expect(collectStream(sdkClient(server, { maxRetries: 2 }))).rejects.toMatchObject({
      code: 'script_exhausted',
    });
    expect(server.requests).toHaveLength(2);
  });
});
