// The benchmark's LLM, in a process of its own: the scripted demo model, noting when each piece
// of every streamed answer leaves for the runner. Each code answer starts with a SCOF comment
// naming its project and phase, so the main process can tell which answer a browser's
// file_chunk came from. Talks to its parent over IPC.
import { ServerResponse } from 'node:http';
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

/** Streamed answers: the pieces as the LLM server wrote them, and when. */
let streams = [];
const streamOf = new WeakMap();

// The scripted server writes each SSE piece with one res.write: the moment it leaves for the
// runner is noted there. (A proxy in front did this before, at the cost of a second write per
// piece and a hop the runner's own LLM would not have.)
const write = ServerResponse.prototype.write;
ServerResponse.prototype.write = function (piece, ...rest) {
  if (typeof piece === 'string' && piece.startsWith('data: ')) {
    let stream = streamOf.get(this);
    if (!stream) {
      stream = { pieces: [], times: [] };
      streamOf.set(this, stream);
      streams.push(stream);
    }
    stream.times.push(now());
    stream.pieces.push(piece);
  }
  return write.call(this, piece, ...rest);
};

/**
 * Each code answer as its text and, for every SSE event, the text length reached and the time
 * the piece holding the event's end was written.
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
    void llm.close().then(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: llm.url });
