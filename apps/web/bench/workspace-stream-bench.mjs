// How the workspace copes with a 5,000-line file streaming in: the built web app in headless
// Chromium, the Code tab open, against a stand-in API on the same origin (better-auth's session,
// the project's REST calls, and a Socket.IO gateway that streams one file as the agent does).
// Prints the frame gaps and long tasks seen in the page while the file streamed, and checks that
// the editor ends with every line. Run: `node apps/web/bench/workspace-stream-bench.mjs` after
// `npm run build -w @forge/web`. Figures only: nothing here passes or fails on timing.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Server } from 'socket.io';

const LINES = Number(process.env.BENCH_LINES ?? 5_000);
/** Characters per file_chunk event: what the demo model sends. */
const CHUNK_CHARS = Number(process.env.BENCH_CHUNK_CHARS ?? 24);
/** Chunks sent together every TICK_MS: 8 every 5 ms is about 38 KB/s, far past a real model. */
const CHUNKS_PER_TICK = Number(process.env.BENCH_CHUNKS_PER_TICK ?? 8);
const TICK_MS = Number(process.env.BENCH_TICK_MS ?? 5);
const PROJECT = '11111111-1111-4111-8111-111111111111';
const PATH = 'src/components/BigList.tsx';
const DIST = resolve(fileURLToPath(new URL('../dist/browser', import.meta.url)));
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

function bigFile(lines) {
  const out = ["import { useState } from 'react';", ''];
  for (let i = 0; out.length < lines - 1; i++) {
    out.push(
      `export const item${i} = { id: ${i}, label: 'Item number ${i}', done: ${i % 3 === 0} };`,
    );
  }
  out.push('');
  return out.slice(0, lines).join('\n');
}

const USER = { id: 'u1', email: 'bench@example.com', name: 'Bench', emailVerified: false };
const PROJECT_DTO = {
  id: PROJECT,
  name: 'Big list',
  description: 'A list with five thousand items',
  state: 'IMPLEMENTING_PHASE',
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};
const REST = {
  '/api/auth/get-session': { session: { id: 's1', userId: 'u1' }, user: USER },
  [`/api/projects/${PROJECT}`]: PROJECT_DTO,
  [`/api/projects/${PROJECT}/messages`]: { items: [], nextCursor: null },
  [`/api/projects/${PROJECT}/files`]: { files: [] },
};

function serve(req, res) {
  const url = new URL(req.url, 'http://bench');
  if (url.pathname in REST) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(REST[url.pathname]));
    return;
  }
  let file = normalize(join(DIST, decodeURIComponent(url.pathname)));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) {
    file = join(DIST, 'index.html');
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

const SNAPSHOT = {
  projectId: PROJECT,
  seq: 1,
  state: 'IMPLEMENTING_PHASE',
  blueprint: null,
  phases: [
    {
      number: 1,
      request: 1,
      name: 'The big list',
      description: 'd',
      files: [{ path: PATH, purpose: 'every item' }],
      dependencies: [],
      lastPhase: true,
      status: 'designed',
    },
  ],
  currentPhase: 1,
  error: null,
  files: [],
  streaming: null,
  messages: [],
  messagesTruncated: false,
};

/** Streams the file to every socket in the project's room, as the gateway forwards events. */
async function stream(io, content) {
  let seq = 1;
  const send = (event) => io.emit(event.type, { ...event, projectId: PROJECT, seq: ++seq });
  send({ type: 'file_start', path: PATH, phase: 1 });
  const chunks = [];
  for (let i = 0; i < content.length; i += CHUNK_CHARS)
    chunks.push(content.slice(i, i + CHUNK_CHARS));
  for (let i = 0; i < chunks.length; i += CHUNKS_PER_TICK) {
    for (const chunk of chunks.slice(i, i + CHUNKS_PER_TICK))
      send({ type: 'file_chunk', path: PATH, chunk });
    await new Promise((done) => setTimeout(done, TICK_MS));
  }
  send({ type: 'file_end', path: PATH, phase: 1, content });
  return chunks.length;
}

// Records every frame's start and every long task, from the page's first script on.
const PAGE_PROBE = `
  window.__bench = { frames: [], longTasks: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__bench.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  const tick = (time) => { window.__bench.frames.push(time); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
`;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error(`build the web app first: ${DIST} is missing`);
  const http = createServer(serve);
  const io = new Server(http, { path: '/socket.io' });
  io.on('connection', (socket) => {
    socket.on('join', (_payload, ack) => {
      socket.emit('snapshot', SNAPSHOT);
      ack?.({ ok: true });
    });
    socket.on('get_state', () => socket.emit('snapshot', SNAPSHOT));
  });
  await new Promise((done) => http.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${http.address().port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(PAGE_PROBE);
    await page.goto(`${origin}/project/${PROJECT}`);
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.locator('.cm-editor').waitFor();

    const content = bigFile(LINES);
    const mark = await page.evaluate('performance.now()');
    const started = performance.now();
    const chunks = await stream(io, content);
    const sent = performance.now() - started;
    await page.waitForFunction(
      `document.querySelector('.file-header .writing') === null && document.querySelector('.cm-editor') !== null`,
      undefined,
      { timeout: 120_000 },
    );
    const shown = performance.now() - started;
    const figures = await page.evaluate(`(() => {
      const frames = window.__bench.frames.filter((time) => time >= ${mark});
      const gaps = frames.slice(1).map((time, i) => time - frames[i]);
      const view = document.querySelector('.cm-content');
      const gutter = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].at(-1);
      return { gaps, longTasks: window.__bench.longTasks, lastLineNumber: gutter?.textContent ?? '', hasContent: !!view };
    })()`);
    const longTotal = figures.longTasks.reduce((sum, ms) => sum + ms, 0);
    console.log(`file: ${LINES} lines, ${content.length} characters, ${chunks} file_chunk events`);
    console.log(
      `stream sent in ${sent.toFixed(0)} ms; the editor had it all after ${shown.toFixed(0)} ms`,
    );
    console.log(
      `frames while streaming: ${figures.gaps.length}, gap p50 ${percentile(figures.gaps, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(figures.gaps, 95).toFixed(1)} ms, max ${Math.max(0, ...figures.gaps).toFixed(1)} ms`,
    );
    console.log(
      `long tasks (> 50 ms): ${figures.longTasks.length}, ${longTotal.toFixed(0)} ms in all, ` +
        `longest ${Math.max(0, ...figures.longTasks).toFixed(0)} ms`,
    );
    console.log(
      `last line number shown in the gutter: ${figures.lastLineNumber} (expected ${LINES} once followed to the end)`,
    );
  } finally {
    await browser.close();
    io.close();
    http.closeAllConnections();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
