import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Statuses whose responses have no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export interface NodeFetch {
  fetch: typeof fetch;
  /** Closes the idle keep-alive connections. */
  close(): void;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');
}

function responseOf(incoming: IncomingMessage): Response {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    headers.append(raw[i]!, raw[i + 1]!);
  }
  const status = incoming.statusCode ?? 502;
  const init = { status, statusText: incoming.statusMessage ?? '', headers };
  if (NULL_BODY_STATUSES.has(status)) {
    incoming.resume();
    return new Response(null, init);
  }
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  const decoder = encoding ? DECODERS[encoding] : undefined;
  let body: Readable = incoming;
  if (decoder) {
    const decoded = decoder();
    incoming.on('error', (error) => decoded.destroy(error));
    body = incoming.pipe(decoded);
  }
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, init);
}

/**
 * A `fetch` for the openai SDK over node:http(s), with keep-alive agents of its own. The SDK
 * takes a custom fetch for this (`new OpenAI({ fetch })`) and still does everything else: the
 * request, SSE decoding, errors. Why: with hundreds of streams open, Node's built-in fetch
 * (undici and its HTTP parser) was most of the runner's work per chunk and its worst pauses
 * (bench/live-link: p99 chunk→browser at 500 generations). Requests it does not cover (a
 * body other than text or bytes, a protocol other than http/https) go to the global fetch.
 */
export function createNodeFetch(): NodeFetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body ?? undefined;
    const url = typeof input === 'string' || input instanceof URL ? new URL(input) : undefined;
    const simpleBody = body === undefined || typeof body === 'string' || body instanceof Uint8Array;
    const protocol = url?.protocol;
    if (!url || !simpleBody || (protocol !== 'http:' && protocol !== 'https:')) {
      return fetch(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      return Promise.reject(abortReason(signal));
    }

    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(body));
    }

    return new Promise<Response>((resolve, reject) => {
      const request = (protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[protocol],
      });
      let incoming: IncomingMessage | undefined;
      const onAbort = () => {
        if (incoming?.complete) {
          return;
        }
        const reason = abortReason(signal!);
        // Before the answer: the promise fails; after it: the body stream does.
        request.destroy(reason);
        incoming?.destroy(reason);
        reject(reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      request.once('response', (response) => {
        incoming = response;
        response.once('close', done);
        try {
          resolve(responseOf(response));
        } catch (error) {
          response.destroy();
          done();
          reject(error as Error);
        }
      });
      request.once('error', (error) => {
        done();
        // As the built-in fetch fails: a TypeError with the socket's error as its cause.
        reject(new TypeError('fetch failed', { cause: error }));
      });
      request.end(body);
    });
  };

  return {
    fetch: nodeFetch as typeof fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
