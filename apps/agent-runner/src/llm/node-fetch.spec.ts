import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createNodeFetch, type NodeFetch } from './node-fetch';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

describe(createNodeFetch.name, () => {
  let server: Server | undefined;
  let http: NodeFetch | undefined;
  afterEach(async () => {
    http?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  async function serve(handler: Handler): Promise<{ url: string; fetch: typeof fetch }> {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (data: Buffer) => (body += data.toString()));
      request.on('end', () => handler(request, body, response));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    http = createNodeFetch();
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, fetch: http.fetch };
  }

  it('sends the method, headers and body, and answers with status, headers and body', async () => {
    const { url, fetch } = await serve((request, body, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(201, 'Made', { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ method: request.method, auth: request.headers.authorization, body }),
      );
    });
    const response = await fetch(`${url}/v1/x?y=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"é":1}',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    await expect(response.json()).resolves.toEqual({
      method: 'POST',
      auth: 'Bearer k',
      body: '{"é":1}',
    });
  });

  it('streams the body as the server writes it', async () => {
    let next: () => void = () => undefined;
    const { url, fetch } = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      next = () => response.end('data: two\n\n');
    });
    const response = await fetch(url);
    const reader = response.body!.getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('data: one\n\n');
    next();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe('data: two\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it('keeps the connection for the next request, even when the signal aborts after the answer', async () => {
    const { url, fetch } = await serve((_request, _body, response) => response.end('ok'));
    let connections = 0;
    server!.on('connection', () => connections++);
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const response = await fetch(url, { signal: controller.signal });
      await expect(response.text()).resolves.toBe('ok');
      controller.abort();
    }
    expect(connections).toBe(1);
  });

  it('decodes a gzip-encoded body', async () => {
    const { url, fetch } = await serve((_request, _body, response) => {
      response.writeHead(400, { 'content-encoding': 'gzip' });
      response.end(gzipSync('{"error":{"message":"bad"}}'));
    });
    const response = await fetch(url);
    expect(response.status).toBe(400);
    await expect(response.text()).resolves.toBe('{"error":{"message":"bad"}}');
  });

  it('answers a 204 with no body', async () => {
    const { url, fetch } = await serve((_request, _body, response) => {
      response.writeHead(204);
      response.end();
    });
    const response = await fetch(url, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('fails as the built-in fetch does when nothing listens', async () => {
    const { url, fetch } = await serve(() => undefined);
    server!.close();
    const error = (await fetch(url).catch((e: unknown) => e)) as TypeError & {
      cause: NodeJS.ErrnoException;
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause.code).toBe('ECONNREFUSED');
  });

  it('aborts a request waiting for its answer, and a body mid-stream', async () => {
    const { url, fetch } = await serve((request, _body, response) => {
      if (request.url === '/silent') {
        return;
      }
      response.writeHead(200);
      response.write('part');
    });
    const early = new AbortController();
    const waiting = fetch(`${url}/silent`, { signal: early.signal });
    early.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const response = await fetch(`${url}/streaming`, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors the body when the server drops the connection mid-answer', async () => {
    const { url, fetch } = await serve((_request, _body, response) => {
      response.writeHead(200);
      response.write('part', () => response.socket?.destroy());
    });
    const response = await fetch(url);
    await expect(response.text()).rejects.toThrow();
  });

  it('hands bodies it does not stream itself to the built-in fetch', async () => {
    const { url, fetch } = await serve((request, body, response) => {
      response.end(`${request.headers['content-type']?.split(';')[0]} ${body.includes('hello')}`);
    });
    const form = new FormData();
    form.set('field', 'hello');
    const response = await fetch(url, { method: 'POST', body: form });
    await expect(response.text()).resolves.toBe('multipart/form-data true');
  });
});
