import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { freePort } from '../../apps/api/src/live/testing/live-stack';
import { type CorpusApp, type CorpusEntry, NPM_CACHE_DIR, REAL_APPS_CACHE } from './corpus';

/** The computed style properties compared between the original and the generated copy. */
const STYLE_PROPERTIES = [
  'color',
  'backgroundColor',
  'fontFamily',
  'fontSize',
  'fontWeight',
  'borderRadius',
] as const;

/** The page's getComputedStyle (this TypeScript has no DOM library; the call runs in the page). */
declare function getComputedStyle(element: unknown): Record<string, string>;

/** An element's computed style, for the properties in STYLE_PROPERTIES. */
export type ShownStyle = Record<(typeof STYLE_PROPERTIES)[number], string>;

/** What a page showed: its visible text, the console errors it printed, how it looked. */
export interface RenderedPage {
  text: string;
  errors: string[];
  /** By text: the computed style of the first element showing it (see styledTexts). */
  styles: Record<string, ShownStyle>;
}

/** The texts whose elements' styles must match the original's: its stylesheets applied. */
export function styledTexts(entry: CorpusEntry): string[] {
  return [entry.followUp.from, ...entry.styled];
}

/** The computed style of the first element showing each text. */
export async function shownStyles(
  page: Page,
  texts: readonly string[],
): Promise<Record<string, ShownStyle>> {
  const styles: Record<string, ShownStyle> = {};
  for (const text of texts) {
    styles[text] = await page
      .getByText(text)
      .first()
      .evaluate((element, properties) => {
        const computed = getComputedStyle(element);
        return Object.fromEntries(
          properties.map((property) => [property, computed[property]]),
        ) as ShownStyle;
      }, STYLE_PROPERTIES);
  }
  return styles;
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

/**
 * Opens `url` in a fresh page and returns what it shows once the network is quiet (and leaves a
 * screenshot at `screenshot`).
 */
/** How long the page's text must stay the same to count as settled, and the most to wait. */
const SETTLED_MS = 500;
const SETTLE_TIMEOUT_MS = 15_000;

/**
 * The page's text once it stops changing: after the network is idle and the same for
 * SETTLED_MS. 'networkidle' alone may have been reached before a data fetch started (a loaded
 * machine runs the app's effects late), and a text read then says "Loading…".
 */
export async function settledText(page: Page): Promise<string> {
  await page.waitForLoadState('networkidle');
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let text = await page.locator('body').innerText();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLED_MS));
    const again = await page.locator('body').innerText();
    if (again === text || Date.now() > deadline) {
      return again;
    }
    text = again;
  }
}

export async function renderPage(
  browser: Browser,
  url: string,
  { shows, styled, screenshot }: { shows: string; styled: readonly string[]; screenshot: string },
  timeoutMs = 60_000,
): Promise<RenderedPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url);
    await page.getByText(shows).first().waitFor({ timeout: timeoutMs });
    const text = await settledText(page);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { text, errors, styles: await shownStyles(page, styled) };
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
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * The original app built plainly (`npm install`, `vite build`) and served by `vite preview`,
 * rendered in Chromium: the text and errors a generated copy is compared with. Kept in the cache.
 */
export async function renderOriginal(app: CorpusApp, browser: Browser): Promise<RenderedPage> {
  // `settled`: read once its text stopped changing; renders from before could hold "Loading…".
  const cached = join(REAL_APPS_CACHE, 'originals', `${app.entry.id}.settled.json`);
  if (existsSync(cached)) {
    const rendered = JSON.parse(readFileSync(cached, 'utf8')) as Partial<RenderedPage>;
    // A page rendered before styles were recorded, or for other styled texts, is rendered again.
    const styles = rendered.styles ?? {};
    if (styledTexts(app.entry).every((text) => text in styles)) {
      return rendered as RenderedPage;
    }
  }
  const dir = join(REAL_APPS_CACHE, 'originals', app.entry.id);
  rmSync(dir, { recursive: true, force: true });
  for (const file of app.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(
      join(dir, file.path),
      file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content,
    );
  }
  if (app.packageJson) {
    writeFileSync(join(dir, 'package.json'), app.packageJson);
  }
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
    const rendered = await renderPage(browser, url, {
      shows: app.entry.followUp.from,
      styled: styledTexts(app.entry),
      screenshot: join(REAL_APPS_CACHE, 'originals', `${app.entry.id}.png`),
    });
    writeFileSync(cached, JSON.stringify(rendered, null, 2));
    return rendered;
  } finally {
    preview.kill('SIGTERM');
  }
}
