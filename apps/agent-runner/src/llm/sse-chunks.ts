import { APIError } from 'openai';
import { type ChatCompletionChunk } from 'openai/resources/chat/completions';

interface SseEvent {
  event: string | null;
  data: string;
}

/** The chunk an SSE event carries, or the error it reports, as the SDK's Stream reads them. */
function chunkOf(sse: SseEvent, headers: Headers): ChatCompletionChunk | null {
  if (sse.event !== null && sse.event.startsWith('thread.')) {
    return null;
  }
  const data = JSON.parse(sse.data) as (ChatCompletionChunk & { error?: object }) | null;
  if (sse.event === 'error') {
    const reported = data as { error?: object; message?: string } | null;
    throw new APIError(undefined, reported?.error, reported?.message, undefined);
  }
  if (data?.error) {
    throw new APIError(undefined, data.error, undefined, headers);
  }
  return data;
}

/**
 * The chunks of a streamed chat completion, decoded from the response body (`.asResponse()` of
 * the SDK's call) the way the SDK's own Stream decodes them: `data:` lines joined per event,
 * `[DONE]` ends the answer, an `error` in an event is thrown as an APIError. The SDK's decoder
 * copies the bytes read so far on every read and runs three async generators per chunk; with
 * hundreds of streams open that was the runner's largest share of CPU after the sockets
 * (bench/live-link/floor.mjs --reader sdk against raw). Lines end with LF or CRLF; an event
 * the body ends in the middle of is dropped, as the SDK drops it.
 */
export async function* chatCompletionChunks(
  body: AsyncIterable<Uint8Array>,
  headers: Headers,
): AsyncGenerator<ChatCompletionChunk> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: string | null = null;
  let data: string[] = [];
  let done = false;
  const line = (text: string): SseEvent | null => {
    if (text.endsWith('\r')) {
      text = text.slice(0, -1);
    }
    if (text === '') {
      if (event === null && data.length === 0) {
        return null;
      }
      const sse = { event, data: data.join('\n') };
      event = null;
      data = [];
      return sse;
    }
    if (text.startsWith(':')) {
      return null;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
    return null;
  };
  /** The events the buffer completes; what follows the last line end waits for more. */
  const events = function* (): Generator<SseEvent> {
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\n', start)) !== -1) {
      const sse = line(buffer.slice(start, end));
      start = end + 1;
      if (sse) {
        yield sse;
      }
    }
    buffer = buffer.slice(start);
  };
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    for (const sse of events()) {
      if (done) {
        continue;
      }
      if (sse.data.startsWith('[DONE]')) {
        done = true;
        continue;
      }
      const chunk = chunkOf(sse, headers);
      if (chunk) {
        yield chunk;
      }
    }
  }
}
