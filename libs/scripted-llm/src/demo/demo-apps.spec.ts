import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { prepareTemplate } from '@forge/sandbox';
import { prepareApp, typeCheck, viteBuild } from '../testing/app-check';
import { forgeMessages } from '../testing/forge-messages';
import { scofFiles } from '../testing/scof-blocks';
import { serveStatic } from '../testing/static-server';
import { DEMO_APPS } from './demo-apps';
import { type DemoAppId } from './demo-recording';
import { demoAnswer } from './demo-llm-handler';

const CHROMIUM = '/usr/bin/chromium';
const REQUESTS: Record<DemoAppId, string> = {
  todo: 'A todo list, please.',
  pomodoro: 'A pomodoro timer, please.',
  guestbook: 'A guestbook, please.',
};
const FOLLOW_UP = 'Change the subtitle to "Built offline"';
const CHECK_TIMEOUT_MS = 120_000;

/** The files after the given phases, as the demo model streams them. */
function filesAfter(id: DemoAppId, phases: number[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const phase of phases) {
    const request = phase > DEMO_APPS[id].phases.length ? FOLLOW_UP : REQUESTS[id];
    for (const [path, content] of scofFiles(demoAnswer(forgeMessages('implement', phase, request)))
      .files) {
      files.set(path, content);
    }
  }
  return files;
}

async function checkTodo(page: Page): Promise<void> {
  await page.getByLabel('New todo').fill('Buy milk');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByText('1 item left').waitFor();
  await page.getByLabel('Mark "Buy milk" as done').check();
  await page.getByText('0 items left').waitFor();
  await page.reload();
  await page.getByText('Buy milk').waitFor();
}

async function checkPomodoro(page: Page): Promise<void> {
  await page.getByText('25:00').waitFor();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await page.getByRole('button', { name: 'Short break' }).click();
  await page.getByText('05:00').waitFor();
}

// The template's packages, installed once (bun) into a cache kept between runs.
const TEMPLATE_CACHE = join(tmpdir(), 'forge-demo-apps-template');

describe('demo apps on the sandbox template', () => {
  let root: string;
  let modules: string;
  let browser: Browser | undefined;
  beforeAll(async () => {
    modules = join((await prepareTemplate(TEMPLATE_CACHE)).dir, 'node_modules');
    root = mkdtempSync(join(tmpdir(), 'forge-demo-apps-'));
    if (existsSync(CHROMIUM)) {
      browser = await chromium.launch({ executablePath: CHROMIUM });
    } else {
      console.warn(`demo apps are built but not rendered: no browser at ${CHROMIUM}`);
    }
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['todo', 'pomodoro'] as const)(
    '%s: phase 1 alone type-checks',
    async (id) => {
      const dir = join(root, `${id}-phase-1`);
      prepareApp(dir, filesAfter(id, [1]), modules);
      await typeCheck(dir);
    },
    CHECK_TIMEOUT_MS,
  );

  it.each(['todo', 'pomodoro'] as const)(
    '%s: after phase 2 and a follow-up it type-checks, builds and renders',
    async (id) => {
      const dir = join(root, `${id}-final`);
      prepareApp(dir, filesAfter(id, [1, 2, 3]), modules);
      await typeCheck(dir);
      await viteBuild(dir);
      if (!browser) {
        return;
      }
      const site = await serveStatic(join(dir, 'dist'));
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(site.url);
        const heading = page.getByRole('heading', { level: 1 });
        expect(await heading.textContent()).toBe(DEMO_APPS[id].heading);
        await page.getByText('Built offline', { exact: true }).waitFor();
        await (id === 'todo' ? checkTodo(page) : checkPomodoro(page));
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await site.close();
      }
    },
    CHECK_TIMEOUT_MS,
  );
});
