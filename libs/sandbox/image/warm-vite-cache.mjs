// Runs the template's Vite dev server once in the current folder, asks it for every module the
// page loads, and waits until Vite has written its pre-bundled dependencies to
// node_modules/.vite. A new project with the template's lockfile and config then starts with
// that cache instead of bundling React again (the slowest part of a first start).
// Used at image build time only: `node warm-vite-cache.mjs` inside the project folder.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const PORT = 5173;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const START_TIMEOUT_MS = 60_000;
const METADATA_TIMEOUT_MS = 120_000;
const MAX_MODULES = 500;
const metadata = join(process.cwd(), 'node_modules', '.vite', 'deps', '_metadata.json');

const vite = spawn(
  process.execPath,
  ['node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FORGE_DEV_HOST: '127.0.0.1' } },
);
let exited = false;
vite.on('exit', () => (exited = true));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`vite exited while waiting for ${what}`);
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

const IMPORT =
  /(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

// Fetches the page and, breadth first, every same-origin module it imports.
async function crawl() {
  const html = await (await fetch(`${ORIGIN}/`)).text();
  const queue = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]);
  const seen = new Set(queue);
  while (queue.length > 0 && seen.size < MAX_MODULES) {
    const url = queue.shift();
    const response = await fetch(new URL(url, ORIGIN));
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    for (const match of (await response.text()).matchAll(IMPORT)) {
      const spec = match[1] ?? match[2];
      if (spec.startsWith('/') && !seen.has(spec)) {
        seen.add(spec);
        queue.push(spec);
      }
    }
  }
  return seen.size;
}

try {
  await waitFor('the dev server answering', START_TIMEOUT_MS, async () => {
    try {
      return (await fetch(`${ORIGIN}/`)).ok;
    } catch {
      return false;
    }
  });
  const modules = await crawl();
  await waitFor('node_modules/.vite/deps/_metadata.json', METADATA_TIMEOUT_MS, () =>
    existsSync(metadata),
  );
  console.log(`warm-vite-cache: ${modules} modules fetched, dependencies pre-bundled`);
} finally {
  vite.kill('SIGTERM');
  for (let waited = 0; !exited && waited < 10_000; waited += 100) await sleep(100);
  if (!exited) vite.kill('SIGKILL');
}
