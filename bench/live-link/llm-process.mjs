// The benchmark's LLM, in a process of its own: the scripted demo model behind a small proxy
// that notes when each piece of every streamed answer leaves for the runner. Each code answer
// starts with a SCOF comment naming its project and phase, so the main process can tell which
// answer a browser's file_chunk came from. Talks to its parent over IPC.
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const {
  createScriptedLlmServer,
  createDemoLlmHandler,
} = require('../../libs/scripted-llm/dist/index.js');
const { parseForgeTask } = require('../../libs/protocol/dist/index.js');

const [chunkSize, chunksPerSecond] = process.argv.slice(2).map(Number);
const now = () => performance.timeOrigin + performance.now();
const MARKER = /\(bench ([0-9a-f-]{36})\)/;

const demo = createDemoLlmHandler();
const llm = await createScriptedLlmServer({
  models: ['forge-demo'],
  chunkSize,
  chunksPerSecond,
  maxRecordedRequests: 0,
  handler: async (request, index) => {
    const reply = await demo(request, index);
    const task = parseForgeTask(request.messages);
    const project = task && MARKER.exec(task.request ?? '')?.[1];
    if (task?.kind !== 'implement' || !project || typeof reply !== 'string') return reply;
    return `# bench ${project} ${task.phase}\n${reply}`;
  },
});

/** Streamed answers: the pieces as they arrived from the LLM server, and when. */
let streams = [];

const proxy = createServer((req, res) => {
  const upstream = httpRequest(
    { host: '127.0.0.1', port: llm.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const stream = { pieces: [], times: [] };
      if (String(answer.headers['content-type']).startsWith('text/event-stream'))
        streams.push(stream);
      answer.setEncoding('utf8');
      answer.on('data', (piece) => {
        stream.times.push(now());
        stream.pieces.push(piece);
        res.write(piece);
      });
      answer.on('end', () => res.end());
    },
  );
  upstream.on('error', () => res.destroy());
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));

/**
 * Each code answer as its text and, for every SSE event, the text length reached and the time
 * the piece holding the event's end arrived.
 */
function summarise() {
  const answers = [];
  for (const { pieces, times } of streams) {
    let buffer = '';
    let text = '';
    const reached = [];
    const at = [];
    pieces.forEach((piece, i) => {
      buffer += piece;
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.startsWith('data: ') ? event.slice(6) : '';
        if (!data.startsWith('{')) continue;
        const content = JSON.parse(data).choices?.[0]?.delta?.content;
        if (!content) continue;
        text += content;
        reached.push(text.length);
        at.push(times[i]);
      }
    });
    const head = /^# bench ([0-9a-f-]{36}) (\d+)\n/.exec(text);
    if (head) answers.push({ projectId: head[1], phase: Number(head[2]), text, reached, at });
  }
  return answers;
}

process.on('message', (message) => {
  if (message.type === 'reset') {
    streams = [];
    process.send({ type: 'reset' });
  } else if (message.type === 'dump') {
    writeFileSync(message.path, JSON.stringify(summarise()));
    process.send({ type: 'dumped' });
  } else if (message.type === 'stop') {
    proxy.close();
    void llm.close().then(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: `http://127.0.0.1:${proxy.address().port}/v1` });
