// Import time of a 200-file repository (a Vite + React app, text and a few binary files) from a
// git server on loopback (`git http-backend` behind node:http), through the built API: the
// request until the new project answers, median and spread of several runs. Also a zip of the
// same files. Needs a built checkout; PostgreSQL: DATABASE_URL, else an embedded one.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../scripts/lib/postgres.mjs';
import { startApp, startDatabase } from './live-link/stack.mjs';
import { sessionCookie } from './lib/built-app.mjs';

const FILES = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ORIGIN = 'http://localhost:3000';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A repository of FILES files: package.json, components, a few PNG-like binaries. */
function makeRepository(root) {
  const work = join(root, 'work');
  const files = {
    'package.json': JSON.stringify({
      name: 'bench-app',
      type: 'module',
      dependencies: { react: '19.2.0', 'react-dom': '19.2.0' },
      devDependencies: { vite: '7.2.2' },
    }),
    'index.html': '<div id="root"></div><script type="module" src="/src/main.tsx"></script>\n',
  };
  for (let i = 0; Object.keys(files).length < FILES - 5; i++) {
    files[`src/components/Part${i}.tsx`] =
      `export function Part${i}() {\n  return <p>${'part '.repeat(40)}${i}</p>;\n}\n`.repeat(8);
  }
  for (let i = 0; i < 5; i++) {
    files[`public/image-${i}.png`] = Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      randomBytes(20_000),
    ]);
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: work,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git(
    '-c',
    'user.name=bench',
    '-c',
    'user.email=bench@localhost',
    'commit',
    '--quiet',
    '-m',
    'app',
  );
  git('clone', '--quiet', '--bare', work, join(root, 'served', 'app.git'));
  const zip = join(root, 'app.zip');
  execFileSync('git', ['archive', '--format=zip', '--output', zip, 'HEAD'], { cwd: work });
  return { zip };
}

/** git http-backend behind node:http, no auth (the API sends none without a token). */
async function startGitServer(projectRoot) {
  const backend = join(execFileSync('git', ['--exec-path']).toString().trim(), 'git-http-backend');
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const child = spawn(backend, [], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: req.headers['git-protocol'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let body = false;
    child.stdout.on('data', (chunk) => {
      if (body) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      body = true;
      for (const line of head.toString('latin1', 0, end).split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status') res.statusCode = Number(value.split(' ')[0]);
        else res.setHeader(name, value);
      }
      res.write(head.subarray(end + 4));
    });
    child.stdout.on('end', () => res.end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const root = mkdtempSync(join(tmpdir(), 'forge-bench-git-import-'));
const db = await startDatabase();
const { zip } = makeRepository(root);
const gitServer = await startGitServer(join(root, 'served'));
const port = await freePort();
const api = await startApp('api', 'apps/api/dist/main.js', port, {
  NODE_ENV: 'production',
  DATABASE_URL: db.url,
  APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
  API_PORT: String(port),
  AUTH_SECRET: randomBytes(32).toString('hex'),
  SANDBOX_PROVIDER: 'none',
  RUNNER_SERVICE_TOKEN: '',
  PREVIEW_PORT: '0',
  GIT_ALLOW_HTTP_LOOPBACK: 'true',
});
try {
  const signUp = await fetch(`${api.url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({
      email: 'bench@example.com',
      password: 'correct horse battery',
      name: 'B',
    }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookie = sessionCookie(signUp);
  const zipBytes = (await import('node:fs')).readFileSync(zip);

  async function timeImport(request) {
    const started = performance.now();
    const response = await request();
    const ms = performance.now() - started;
    if (response.status !== 201)
      throw new Error(`import: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    return ms;
  }
  const fromGit = () =>
    fetch(`${api.url}/api/projects/import/git`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${gitServer.url}/app.git` }),
    });
  const fromZip = () =>
    fetch(`${api.url}/api/projects/import/zip`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/zip' },
      body: zipBytes,
    });
  await timeImport(fromGit); // warm-up: the first clone pays for git's start and the pool
  console.log(`import of a ${FILES}-file repository (${RUNS} runs each, after one warm-up)`);
  for (const [label, request] of [
    ['git URL (loopback http-backend)', fromGit],
    [`zip upload (${(zipBytes.length / 1024).toFixed(0)} KiB)`, fromZip],
  ]) {
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeImport(request));
    console.log(
      `${label.padEnd(34)} median ${median(times).toFixed(0)} ms   min ${Math.min(...times).toFixed(0)} ms   max ${Math.max(...times).toFixed(0)} ms`,
    );
  }
} finally {
  await api.stop();
  gitServer.close();
  await db.stop();
  rmSync(root, { recursive: true, force: true });
}
