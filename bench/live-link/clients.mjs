// The benchmark's clients: REST calls, the LLM child process, browser tabs, and a link of its
// own to the runner. Arrival times are wall-clock with sub-millisecond precision, comparable
// across the processes of this machine.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';

export const now = () => performance.timeOrigin + performance.now();

export async function rest(api, path, cookie, body) {
  const response = await fetch(`${api}${path}`, {
    method: body ? 'POST' : 'GET',
    // As the web app would: better-auth wants the page's origin (PUBLIC_URL) in production.
    headers: {
      'content-type': 'application/json',
      origin: 'http://localhost:3000',
      ...(cookie ? { cookie } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Runs `work` over `items`, `width` at a time. */
export async function inBatches(items, width, work) {
  const results = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

/** The LLM child (llm-process.mjs), driven over IPC. */
export function startLlm(chunkSize, chunksPerSecond) {
  const child = fork(new URL('./llm-process.mjs', import.meta.url).pathname, [
    String(chunkSize),
    String(chunksPerSecond),
  ]);
  const next = (type) =>
    new Promise((resolve) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
    });
  return {
    child,
    ready: next('ready'),
    async reset() {
      child.send({ type: 'reset' });
      await next('reset');
    },
    async answers(path) {
      child.send({ type: 'dump', path });
      await next('dumped');
      return JSON.parse(readFileSync(path, 'utf8'));
    },
    stop() {
      child.send({ type: 'stop' });
    },
  };
}

/**
 * The bench's own link to the runner, as an API has: it watches the projects too, so the time
 * between an event reaching it and reaching the browser through the API is the API's share.
 */
export async function openRunnerLink(runnerUrl, token) {
  const socket = io(runnerUrl, {
    path: '/link',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const arrivals = new Map();
  socket.on('events', (events) => {
    const at = now();
    for (const event of events) arrivals.set(`${event.projectId}:${event.seq}`, at);
  });
  return {
    arrivals,
    watch: (projectIds) => socket.emitWithAck('watch', { projectIds }),
    close: () => socket.close(),
  };
}

/** A browser tab on one project: joins it, records every event with its arrival time. */
export function openTab(api, cookie, projectId, received) {
  const socket = io(api, {
    transports: ['websocket'],
    extraHeaders: { cookie },
    reconnection: false,
  });
  const events = [];
  received.set(projectId, events);
  let snapshotSeq;
  socket.on('snapshot', (snapshot) => (snapshotSeq = snapshot.seq));
  socket.onAny((name, payload) => {
    if (name !== 'snapshot' && payload?.seq !== undefined)
      events.push({ event: payload, at: now() });
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', async () => {
      const ack = await socket.emitWithAck('join', { projectId });
      if (!ack.ok) return reject(new Error(ack.error.message));
      resolve({ socket, projectId, snapshotSeq: () => snapshotSeq, events });
    });
  });
}
