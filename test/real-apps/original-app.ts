import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Browser } from 'playwright-core';
import { freePort } from '../../apps/api/src/live/testing/live-stack';
import { type CorpusApp, NPM_CACHE_DIR, REAL_APPS_CACHE } from './corpus';

/** What a page showed: its visible text and the console errors it printed. */
export interface RenderedPage {
  text: string;
  errors: string[];
}

/** `npm install` then `npm run <script>` with the cache's npm cache; throws with npm's output. */
export function npmInstallAndRun(dir: string, script: string, timeoutMs = 300_000): void {
  for (const args of [
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', NPM_CACHE_DIR],
    ['run', script],
  ]) {
    const result = spawnSync('npm', args, { cwd: dir, encoding: 'utf8', timeout: timeoutMs });
    if (result.status !== 0) {
      const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-30).join('\n');
      throw new Error(
        `npm ${args[0]} ${args[1]} failed in ${dir} (exit ${result.status}):\n${output}`,
      );
    }
  }
}

/** Opens `url` in a fresh page and returns what it shows once the network is quiet. */
export async function renderPage(
  browser: Browser,
  url: string,
  shows: string,
  timeoutMs = 60_000,
): Promise<RenderedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url);
    await page.getByText(shows).first().waitFor({ timeout: timeoutMs });
    await page.waitForLoadState('networkidle');
    const text = await page.locator('body').innerText();
    return { text, errors };
  } finally {
    await context.close();
  }
}

async function waitUntilAnswers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * The original app built plainly (`npm install`, `vite build`) and served by `vite preview`,
 * rendered in Chromium: the text and errors a generated copy is compared with. Kept in the cache.
 */
export async function renderOriginal(app: CorpusApp, browser: Browser): Promise<RenderedPage> {
  const cached = join(REAL_APPS_CACHE, 'originals', `${app.entry.id}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as RenderedPage;
  const dir = join(REAL_APPS_CACHE, 'originals', app.entry.id);
  rmSync(dir, { recursive: true, force: true });
  for (const file of app.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  if (app.packageJson) writeFileSync(join(dir, 'package.json'), app.packageJson);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // A plain Vite build, whatever else the app's build script runs.
  manifest.scripts['forge-original-build'] = 'vite build';
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  npmInstallAndRun(dir, 'forge-original-build');
  const port = await freePort();
  const preview = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    { cwd: dir, stdio: 'ignore', detached: false },
  );
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitUntilAnswers(url, 30_000);
    const rendered = await renderPage(browser, url, app.entry.followUp.from);
    writeFileSync(cached, JSON.stringify(rendered, null, 2));
    return rendered;
  } finally {
    preview.kill('SIGTERM');
  }
}
