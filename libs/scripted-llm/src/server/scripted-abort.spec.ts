import { sdkClient, USER_MESSAGES } from '../testing/sdk-client';
import { createScriptedLlmServer, type ScriptedLlmServer } from './scripted-llm-server';

describe('scripted stream abort', () => {
  let server: ScriptedLlmServer;
  afterEach(async () => {
    await server?.close();
  });

  it('stops streaming when the SDK aborts, and writes nothing more', async () => {
    const total = 200;
    server = await createScriptedLlmServer({
      replies: [{ text: 'x'.repeat(total), chunkSize: 1, chunksPerSecond: 100 }],
    });
    const stream = await sdkClient(server).chat.completions.create({
      model: 'm',
      messages: USER_MESSAGES,
      stream: true,
    });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) {
        received++;
      }
      if (received === 3) {
        stream.controller.abort();
      }
    }
    await server.whenIdle();
    const record = server.requests[0];
    expect(record.outcome).toBe('client-aborted');
    expect(record.chunksSent).toBeGreaterThanOrEqual(3);
    expect(record.chunksSent).toBeLessThan(total);
    const sentAtAbort = record.chunksSent;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(record.chunksSent).toBe(sentAtAbort);
  });

  it('ends a stream stalled for ever when the server closes', async () => {
    server = await createScriptedLlmServer({
      replies: [{ fault: 'stall', afterChunks: 1, text: 'abcdef', chunkSize: 3 }],
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
    })().catch((error: unknown) => error);
    while (server.requests[0]?.chunksSent !== 1) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await server.close();
    await reading;
    expect(pieces.join('')).toBe('abc');
    expect(server.requests[0].outcome).toBe('server-closed');
  });
});
