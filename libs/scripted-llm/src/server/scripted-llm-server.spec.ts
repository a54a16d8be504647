import OpenAI from 'openai';
import { collectStream, sdkClient, USER_MESSAGES } from '../testing/sdk-client';
import { ScriptedLlmError } from './scripted-llm-error';
import { createScriptedLlmServer, type ScriptedLlmServer } from './scripted-llm-server';
import { estimateTokens } from './wire-format';

const ANSWER = 'The quick brown fox jumps over the lazy dog, twice: the quick brown fox.';

describe(createScriptedLlmServer.name, () => {
  let server: ScriptedLlmServer;
  afterEach(async () => {
    await server?.close();
  });

  it('streams text in chunks of the configured size that the openai SDK reassembles', async () => {
    server = await createScriptedLlmServer({ replies: [ANSWER], chunkSize: 10 });
    const { pieces, chunks } = await collectStream(sdkClient(server));
    expect(pieces.join('')).toBe(ANSWER);
    expect(pieces).toHaveLength(Math.ceil(ANSWER.length / 10));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('stop');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it('sends explicit chunks as they are, at a set pace', async () => {
    server = await createScriptedLlmServer({
      replies: [{ chunks: ['Hel', 'lo', ' ', 'world', '\n\n  é🦊'], chunksPerSecond: 200 }],
    });
    const { pieces } = await collectStream(sdkClient(server));
    expect(pieces).toEqual(['Hel', 'lo', ' ', 'world', '\n\n  é🦊']);
  });

  it('never splits a surrogate pair', async () => {
    server = await createScriptedLlmServer({ replies: ['🦊🦊🦊'], chunkSize: 1 });
    const { pieces } = await collectStream(sdkClient(server));
    expect(pieces).toEqual(['🦊', '🦊', '🦊']);
  });

  it('puts estimated usage in a last chunk with no choices when include_usage is set', async () => {
    server = await createScriptedLlmServer({ replies: [ANSWER] });
    const { pieces, chunks } = await collectStream(sdkClient(server), { includeUsage: true });
    expect(pieces.join('')).toBe(ANSWER);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    const prompt = USER_MESSAGES.map((message) => message.content).join('\n');
    expect(last?.usage).toEqual({
      prompt_tokens: estimateTokens(prompt),
      completion_tokens: estimateTokens(ANSWER),
      total_tokens: estimateTokens(prompt) + estimateTokens(ANSWER),
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('uses the usage a reply gives instead of the estimate', async () => {
    server = await createScriptedLlmServer({
      replies: [{ text: 'hi', usage: { promptTokens: 1000, completionTokens: 7 } }],
    });
    const { chunks } = await collectStream(sdkClient(server), { includeUsage: true });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 7,
      total_tokens: 1007,
    });
  });

  it('answers with one JSON completion, usage included, when stream is false', async () => {
    server = await createScriptedLlmServer({ replies: [{ text: ANSWER, finishReason: 'length' }] });
    const completion = await sdkClient(server).chat.completions.create({
      model: 'some-model',
      messages: USER_MESSAGES,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('some-model');
    expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(completion.choices[0].finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(estimateTokens(ANSWER));
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + estimateTokens(ANSWER),
    );
  });

  it('records what the client sent, without the Authorization value', async () => {
    server = await createScriptedLlmServer({ replies: ['a', 'b'] });
    const client = sdkClient(server, { apiKey: 'sk-secret' });
    await collectStream(client, { model: 'model-a', includeUsage: true });
    await client.chat.completions.create({
      model: 'model-b',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'parts' }] }],
      temperature: 0.2,
    });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first).toMatchObject({
      index: 0,
      model: 'model-a',
      stream: true,
      includeUsage: true,
      messages: USER_MESSAGES,
      outcome: 'completed',
      replyKind: 'text',
      chunksSent: 1,
    });
    expect(first.headers.authorization).toBe('[redacted]');
    expect(first.headers['content-type']).toBe('application/json');
    expect(JSON.stringify(server.requests)).not.toContain('sk-secret');
    expect(second).toMatchObject({
      index: 1,
      model: 'model-b',
      stream: false,
      includeUsage: false,
    });
    expect(second.body.temperature).toBe(0.2);
  });

  it('passes each request and its index to the handler', async () => {
    const seen: Array<[string, number]> = [];
    server = await createScriptedLlmServer({
      handler: (request, index) => {
        seen.push([request.model, index]);
        return `answer ${index} to ${request.messages.length} messages`;
      },
    });
    const client = sdkClient(server);
    const one = await collectStream(client, { model: 'm1' });
    const two = await collectStream(client, { model: 'm2' });
    expect(one.pieces.join('')).toBe('answer 0 to 2 messages');
    expect(two.pieces.join('')).toBe('answer 1 to 2 messages');
    expect(seen).toEqual([
      ['m1', 0],
      ['m2', 1],
    ]);
  });

  it('lists its models', async () => {
    server = await createScriptedLlmServer({ replies: [], models: ['forge-demo', 'other'] });
    const page = await sdkClient(server).models.list();
    expect(page.data.map((model) => model.id)).toEqual(['forge-demo', 'other']);
  });

  it('refuses a wrong API key with 401 when a key is configured', async () => {
    server = await createScriptedLlmServer({ replies: ['ok'], apiKey: 'right' });
    await expect(collectStream(sdkClient(server, { apiKey: 'wrong' }))).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    const { pieces } = await collectStream(sdkClient(server, { apiKey: 'right' }));
    expect(pieces.join('')).toBe('ok');
    expect(server.requests).toHaveLength(1);
  });

  it('answers 400 to a malformed JSON body and to a body that is not a chat request', async () => {
    server = await createScriptedLlmServer({ replies: ['never sent'] });
    const post = (body: string) =>
      fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const malformed = await post('{"model": "m", "messages": [');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_json',
    );
    const wrongShape = await post(JSON.stringify({ model: 'm', messages: 'hello' }));
    expect(wrongShape.status).toBe(400);
    const body = (await wrongShape.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toContain('messages');
    expect(server.requests).toHaveLength(0);
  });

  it('answers 413 to a body over the limit, naming the limit', async () => {
    server = await createScriptedLlmServer({ replies: ['x'], maxRequestBodyBytes: 100 });
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'y'.repeat(200) }] }),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('maxRequestBodyBytes');
  });

  it('answers 404 to an unknown route and 405 to a wrong method', async () => {
    server = await createScriptedLlmServer({ replies: [] });
    expect((await fetch(`${server.url}/embeddings`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/chat/completions`)).status).toBe(405);
  });

  it('refuses bad options with a coded error', async () => {
    await expect(createScriptedLlmServer({})).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(createScriptedLlmServer({ replies: [], chunkSize: 0 })).rejects.toBeInstanceOf(
      ScriptedLlmError,
    );
    server = await createScriptedLlmServer({ replies: [] });
  });
});
