import { APIError } from 'openai';
import { chatCompletionChunks } from './sse-chunks';

/** The body as the network might cut it: one read per piece. */
async function* body(...pieces: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    yield typeof piece === 'string' ? new TextEncoder().encode(piece) : piece;
  }
}

const chunk = (content: string) =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ delta: { content } }] });

async function contents(pieces: (string | Uint8Array)[]): Promise<string[]> {
  const found: string[] = [];
  for await (const parsed of chatCompletionChunks(body(...pieces), new Headers())) {
    found.push(parsed.choices[0]?.delta?.content ?? '');
  }
  return found;
}

describe(chatCompletionChunks.name, () => {
  it('reads each event’s chunk, wherever the reads cut the lines and characters', async () => {
    const text = `data: ${chunk('héllo')}\n\ndata: ${chunk(' wörld')}\n\ndata: [DONE]\n\n`;
    const bytes = new TextEncoder().encode(text);
    // Every cut, including inside the two-byte characters.
    for (let cut = 1; cut < bytes.length; cut++) {
      await expect(contents([bytes.slice(0, cut), bytes.slice(cut)])).resolves.toEqual([
        'héllo',
        ' wörld',
      ]);
    }
  });

  it('takes CRLF line ends, comments, other fields and data over several lines', async () => {
    const split = chunk('two').replace('"choices"', '\r\ndata: "choices"');
    await expect(
      contents([
        `: keep-alive\r\n\r\nid: 1\r\ndata: ${chunk('one')}\r\n\r\n`,
        `retry: 10\ndata: ${split}\n\n`,
      ]),
    ).resolves.toEqual(['one', 'two']);
  });

  it('ends the answer at [DONE] and drops an event the body ends in the middle of', async () => {
    await expect(
      contents([`data: ${chunk('a')}\n\ndata: [DONE]\n\ndata: ${chunk('after')}\n\n`]),
    ).resolves.toEqual(['a']);
    await expect(contents([`data: ${chunk('a')}\n\ndata: ${chunk('cut')}`])).resolves.toEqual([
      'a',
    ]);
  });

  it('throws the error an event reports, as the SDK does', async () => {
    await expect(
      contents([`data: ${chunk('a')}\n\ndata: {"error":{"message":"overloaded"}}\n\n`]),
    ).rejects.toThrow(APIError);
    await expect(
      contents(['event: error\ndata: {"error":{"message":"bad"},"message":"bad"}\n\n']),
    ).rejects.toThrow('bad');
  });

  it('fails on an event that is not JSON', async () => {
    await expect(contents(['data: {not json\n\n'])).rejects.toThrow(SyntaxError);
  });
});
