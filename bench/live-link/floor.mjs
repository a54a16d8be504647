// The floor under the live-link benchmark: the same shape with none of Forge's work in it. An
// LLM process streams SSE chunks at a fixed pace; a "runner" process reads every stream with
// the runner's own LLM client (the openai SDK's request, the body decoded by sse-chunks) and
// relays each chunk's event over Socket.IO, batched per event-loop turn like the runner link;
// an "api" process relays each event to the room of its project like the API gateway; N
// Socket.IO clients in this process are the browsers. No database, no agent, no parser, no
// auth: what this machine and the libraries alone cost.
//
//   node bench/live-link/floor.mjs [--levels 10,100,500] [--chunks-per-second 50]
//                                  [--every 3] [--seconds 12] [--reader runner|sdk-stream|http]
//
// --every k: an event every k chunks (the SCOF parser emits at line ends, about one event per
// three 16-character chunks in the live-link bench). --reader sdk-stream iterates the SDK's own
// Stream instead, --reader http uses a bare node:http SSE reader. Latencies of the first fifth
// of each run (JIT warm-up, the starts) are left out: these are figures Forge's stack cannot
// beat on the same machine. Needs a built checkout (npx tsc -b tsconfig.build.json).
import { fork } from 'node:child_process';
import { createServer, request } from 'node:http';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { setImmediate } from 'node:timers';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { now } from './clients.mjs';
import { percentile } from './measure.mjs';
import { cpuSeconds } from './stack.mjs';

const require = createRequire(import.meta.url);
const READERS = {
  runner: 'the runner’s LLM client',
  'sdk-stream': 'openai SDK streaming over the runner’s fetch',
  http: 'bare node:http SSE reader',
};
/** Latencies of the first part of each run are left out: JIT warm-up and the starts. */
const WARM_UP_SHARE = 0.2;
const FINISH = `data: ${JSON.stringify({ id: 'f', object: 'chat.completion.chunk', created: 0, model: 'floor', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;

function listen(server) {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server.address().port)),
  );
}

/** Streams `chunks` SSE chunks per request at `perSecond`, each carrying its send time. */
async function llm(perSecond, chunks) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent++ === chunks) {
          clearInterval(timer);
          res.end(FINISH);
          return;
        }
        const chunk = { index: 0, delta: { content: String(now()) }, finish_reason: null };
        res.write(
          `data: {"id":"c","object":"chat.completion.chunk","created":0,"model":"floor","choices":[${JSON.stringify(chunk)}]}\n\n`,
        );
      }, 1000 / perSecond);
    });
  });
  process.send({ port: await listen(server) });
}

/** Reads N streams and relays every k-th chunk as an event, one batch per loop turn. */
async function runner(reader, every) {
  const server = createServer();
  const io = new Server(server, { transports: ['websocket'] });
  let batch = [];
  const relay = (event) => {
    if (batch.length === 0) setImmediate(() => io.emit('events', batch.splice(0)));
    batch.push(event);
  };
  process.send({ port: await listen(server) });
  const { llmPort, streams, perSecond } = await new Promise((resolve) =>
    process.once('message', resolve),
  );
  const baseURL = `http://127.0.0.1:${llmPort}/v1`;
  const read = { runner: runnerReader, 'sdk-stream': sdkReader, http: httpReader }[reader](baseURL);
  for (let project = 0; project < streams; project++) {
    let seen = 0;
    const onText = (text) => {
      if (++seen % every === 0) relay({ projectId: project, type: 'file_chunk', chunk: text });
    };
    // Spread over one chunk interval, as the live-link bench's streams drift apart.
    setTimeout(() => void read(onText), (project * 1000) / perSecond / streams);
  }
}

function sdkReader(baseURL) {
  const OpenAI = require('openai').default;
  const { createNodeFetch } = require('../../apps/agent-runner/dist/llm/node-fetch.js');
  const client = new OpenAI({
    baseURL,
    apiKey: 'floor',
    maxRetries: 0,
    fetch: createNodeFetch().fetch,
  });
  return async (onText) => {
    const stream = await client.chat.completions.create({
      model: 'floor',
      messages: [{ role: 'user', content: 'floor' }],
      stream: true,
    });
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) onText(text);
    }
  };
}

/** The runner's own LLM client: the SDK's request, the body decoded by sse-chunks. */
function runnerReader(baseURL) {
  const { LlmClient } = require('../../apps/agent-runner/dist/llm/llm-client.js');
  const client = new LlmClient({
    baseURL,
    apiKey: 'floor',
    models: { design: 'floor', code: 'floor' },
    callTimeoutMs: 600_000,
    silenceTimeoutMs: 60_000,
    reportCost: false,
  });
  return (onText) =>
    client.complete({
      role: 'code',
      projectId: 'floor',
      messages: [{ role: 'user', content: 'floor' }],
      signal: new AbortController().signal,
      onDelta: onText,
    });
}

function httpReader(baseURL) {
  const agent = new Agent({ keepAlive: true });
  return (onText) =>
    new Promise((resolve, reject) => {
      const req = request(`${baseURL}/chat/completions`, { method: 'POST', agent }, (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (data) => {
          buffer += data;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const event = buffer.slice(6, end);
            buffer = buffer.slice(end + 2);
            if (event.startsWith('{')) {
              const text = JSON.parse(event).choices[0]?.delta?.content;
              if (text) onText(text);
            }
          }
        });
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('{}');
    });
}

/** Relays each event from the runner link to its project's room. */
async function api() {
  const server = createServer();
  const io = new Server(server, { transports: ['websocket'] });
  io.on('connection', (socket) =>
    socket.on('join', (projectId, ack) => {
      void socket.join(`project:${projectId}`);
      ack();
    }),
  );
  process.send({ port: await listen(server) });
  const { runnerPort } = await new Promise((resolve) => process.once('message', resolve));
  const link = connect(`http://127.0.0.1:${runnerPort}`, { transports: ['websocket'] });
  link.on('events', (events) => {
    for (const event of events) io.to(`project:${event.projectId}`).emit('file_chunk', event);
  });
}

function start(role, ...args) {
  const child = fork(new URL(import.meta.url).pathname, [role, ...args.map(String)]);
  return { child, ready: new Promise((resolve) => child.once('message', resolve)) };
}

async function runLevel(streams, options) {
  const chunks = Math.ceil(options.seconds * options.perSecond);
  const llmProcess = start('llm', options.perSecond, chunks);
  const runnerProcess = start('runner', options.reader, options.every);
  const apiProcess = start('api');
  const children = [llmProcess.child, runnerProcess.child, apiProcess.child];
  const browsers = [];
  try {
    const [{ port: llmPort }, { port: runnerPort }, { port: apiPort }] = await Promise.all(
      [llmProcess, runnerProcess, apiProcess].map((process) => process.ready),
    );
    apiProcess.child.send({ runnerPort });
    const received = [];
    for (let project = 0; project < streams; project++) {
      const socket = connect(`http://127.0.0.1:${apiPort}`, { transports: ['websocket'] });
      await new Promise((resolve) => socket.once('connect', resolve));
      await socket.emitWithAck('join', project);
      socket.on('file_chunk', (event) => received.push(now() - Number(event.chunk)));
      browsers.push(socket);
    }
    const pids = {
      runner: runnerProcess.child.pid,
      api: apiProcess.child.pid,
      llm: llmProcess.child.pid,
    };
    const before = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]),
    );
    const started = now();
    runnerProcess.child.send({ llmPort, streams, perSecond: options.perSecond });
    const expected = streams * Math.floor(chunks / options.every);
    const deadline = started + options.seconds * 1000 * 3;
    while (received.length < expected && now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (now() - started) / 1000;
    const cpu = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, (cpuSeconds(pid) - before[name]) / seconds]),
    );
    const counted = received
      .slice(Math.floor(received.length * WARM_UP_SHARE))
      .sort((a, b) => a - b);
    return {
      streams,
      p50: percentile(counted, 50),
      p99: percentile(counted, 99),
      max: counted.at(-1),
      events: received.length,
      expected,
      eventsPerSecond: received.length / seconds,
      cpu,
      load: loadavg()[0],
    };
  } finally {
    for (const socket of browsers) socket.close();
    for (const child of children) child.kill();
  }
}

const role = process.argv[2];
if (role === 'llm') await llm(Number(process.argv[3]), Number(process.argv[4]));
else if (role === 'runner') await runner(process.argv[3], Number(process.argv[4]));
else if (role === 'api') await api();
else {
  const { values } = parseArgs({
    options: {
      levels: { type: 'string', default: '10,100,500' },
      'chunks-per-second': { type: 'string', default: '50' },
      every: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '12' },
      reader: { type: 'string', default: 'runner' },
    },
  });
  if (!(values.reader in READERS))
    throw new Error(`--reader is one of ${Object.keys(READERS).join(', ')}`);
  const options = {
    perSecond: Number(values['chunks-per-second']),
    every: Number(values.every),
    seconds: Number(values.seconds),
    reader: values.reader,
  };
  console.log(
    `floor: LLM → runner (${READERS[options.reader]}) → API → browsers, ${options.perSecond} chunks/s per stream, an event every ${options.every} chunks, ${cpus().length} CPUs`,
  );
  for (const streams of values.levels.split(',').map(Number)) {
    const result = await runLevel(streams, options);
    const ms = (value) => `${value.toFixed(2)} ms`;
    console.log(
      `${String(streams).padStart(4)} streams: chunk→browser p50 ${ms(result.p50)}  p99 ${ms(result.p99)}  max ${ms(result.max)}; ${Math.round(result.eventsPerSecond)} events/s (${result.events}/${result.expected}); CPU runner ${(result.cpu.runner * 100).toFixed(0)}%  api ${(result.cpu.api * 100).toFixed(0)}%  llm ${(result.cpu.llm * 100).toFixed(0)}%; load average ${result.load.toFixed(1)}`,
    );
  }
}
