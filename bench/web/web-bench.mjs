// The web app as a user meets it, on `npm start` with the offline demo model and the process
// sandbox, in Debian's Chromium: the initial bundle (budget 500 kB, the build fails above it),
// first contentful paint of `/`, and for the demo journey prompt → first code visible and
// prompt → preview visible. Prints figures; asserts nothing. Own ports, data folder and database.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { ensureDatabase, freePort, withDatabase } from '../../scripts/lib/postgres.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = join(ROOT, 'apps/web/dist/browser');
const BUDGET_BYTES = 500 * 1000;
const RUNS = 3;
const JOURNEY_TIMEOUT_MS = 300_000;
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

function ensureWebBuild() {
  if (existsSync(join(DIST, 'index.html'))) return;
  const build = spawnSync('npx', ['ng', 'build'], {
    cwd: join(ROOT, 'apps/web'),
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('ng build failed');
}

/** The files index.html loads before anything else: scripts, module preloads, styles. */
function initialBundle() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const files = new Set();
  for (const [, name] of html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)) files.add(name);
  let raw = 0;
  let gzip = 0;
  for (const name of files) {
    const data = readFileSync(join(DIST, name));
    raw += data.length;
    gzip += gzipSync(data).length;
  }
  return { files: [...files], raw, gzip };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function startForge(dataDir, databaseUrl) {
  const ports = {
    WEB_PORT: String(await freePort()),
    API_PORT: String(await freePort()),
    RUNNER_PORT: String(await freePort()),
    PREVIEW_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
  };
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...ports,
      FORGE_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      PREVIEW_URL_TEMPLATE: `http://{projectId}.preview.localhost:${ports.PREVIEW_PORT}`,
      // The e2e tests' prepared template, when there is one: a fresh bun install is not timed here.
      SANDBOX_TEMPLATE_CACHE: join(tmpdir(), 'forge-e2e-template-cache'),
      OPENROUTER_API_KEY: '',
      LLM_BASE_URL: '',
    },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
  const url = `http://localhost:${ports.WEB_PORT}`;
  const started = Date.now();
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${ports.RUNNER_PORT}/api/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    const web = await fetch(`${url}/api/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready && web) break;
    if (child.exitCode !== null || Date.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new Error('npm start did not become ready within 180 s (BENCH_VERBOSE=1 shows why)');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** First contentful paint of `/` for a visitor who is not signed in, in a fresh context. */
async function firstContentfulPaint(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.getByRole('textbox', { name: 'What do you want to build?' }).waitFor();
    // The paint entry may be recorded a moment after the page shows: waited for, 5 s at most.
    return await page.evaluate(`new Promise((resolve) => {
      const done = (value) => resolve(value);
      new PerformanceObserver((list) => {
        const paint = list.getEntries().find((entry) => entry.name === 'first-contentful-paint');
        if (paint) done(paint.startTime);
      }).observe({ type: 'paint', buffered: true });
      setTimeout(() => done(null), 5000);
    })`);
  } finally {
    await context.close();
  }
}

/** Signs up, types the demo prompt, and times the first code and the preview. */
async function demoJourney(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}/sign-up`);
    await page.getByLabel('Name').fill('Bench');
    await page.getByLabel('Email').fill(`bench-${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    const prompt = page.getByRole('textbox', { name: 'What do you want to build?' });
    await prompt.waitFor();
    await prompt.fill('A todo list');
    const started = performance.now();
    await prompt.press('Enter');
    await page.waitForURL(/\/project\//);
    await page.getByRole('tab', { name: 'Code' }).click();
    await page
      .locator('.cm-content .cm-line', { hasText: /\S/ })
      .first()
      .waitFor({ timeout: JOURNEY_TIMEOUT_MS });
    const firstCode = performance.now() - started;
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page
      .frameLocator('iframe[title="Preview of the app"]')
      .getByText('Todo list')
      .first()
      .waitFor({ timeout: JOURNEY_TIMEOUT_MS });
    const preview = performance.now() - started;
    return { firstCode, preview };
  } finally {
    await context.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-web-'));
chmodSync(dataDir, 0o755);
let database = null;
let forge = null;
let browser = null;
try {
  ensureWebBuild();
  const bundle = initialBundle();
  console.log('web: initial bundle (index.html’s scripts and styles)');
  console.log(
    `  ${kB(bundle.raw)} raw, ${kB(bundle.gzip)} gzip, budget ${kB(BUDGET_BYTES)} raw ` +
      `(${((bundle.raw / BUDGET_BYTES) * 100).toFixed(0)} % of it; the build fails above it)`,
  );
  console.log(`  files: ${bundle.files.join(', ')}`);
  console.log(`  built ${new Date(statSync(join(DIST, 'index.html')).mtimeMs).toISOString()}`);

  let databaseUrl = '';
  if (process.env.DATABASE_URL) {
    database = `forge_bench_web_${process.pid}`;
    await ensureDatabase(process.env.DATABASE_URL, database);
    databaseUrl = withDatabase(process.env.DATABASE_URL, database);
  }
  forge = await startForge(dataDir, databaseUrl);
  browser = await chromium.launch(CHROMIUM);

  const paints = [];
  for (let run = 0; run < RUNS; run++) paints.push(await firstContentfulPaint(browser, forge.url));
  const painted = paints.filter((value) => value !== null);
  console.log(
    `first contentful paint of /: median ${painted.length ? seconds(median(painted)) : 'none'} ` +
      `(runs: ${paints.map((v) => (v === null ? '–' : seconds(v))).join(', ')})`,
  );

  const journey = await demoJourney(browser, forge.url);
  console.log(`demo journey ("A todo list", offline demo model, process sandbox):`);
  console.log(`  prompt → first code visible  ${seconds(journey.firstCode)}`);
  console.log(`  prompt → preview visible     ${seconds(journey.preview)}`);
} finally {
  await browser?.close();
  await forge?.stop();
  if (database) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
