import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';

/** Debian's Chromium; nothing is downloaded at run time. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where screenshots go (git-ignored). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../../test-results/e2e');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * What the page printed as errors, by the origin of the script that printed them. Uncaught
 * exceptions are not collected apart: Playwright reports the preview iframe's too, without its
 * origin, and the Angular app logs its own through console.error
 * (provideBrowserGlobalErrorListeners), so they are here with the app's origin.
 */
export class ConsoleErrors {
  readonly entries: { origin: string; text: string }[] = [];

  constructor(page: Page) {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') {
        this.entries.push({ origin: originOf(message.location().url), text: message.text() });
      }
    });
  }

  /** Errors printed by scripts of `origin` (the preview's iframe runs the generated app). */
  of(origin: string): string[] {
    return this.entries.filter((entry) => entry.origin === origin).map((entry) => entry.text);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Screenshots of a journey, numbered in the order they were taken. */
export class Screenshots {
  private count = 0;

  constructor(private readonly journey: string) {
    mkdirSync(join(SCREENSHOT_DIR, journey), { recursive: true });
  }

  async take(page: Page, step: string): Promise<string> {
    const name = `${String(++this.count).padStart(2, '0')}-${step}.png`;
    const path = join(SCREENSHOT_DIR, this.journey, name);
    await page.screenshot({ path, fullPage: false });
    return path;
  }
}
