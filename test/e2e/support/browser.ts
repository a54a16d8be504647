import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
  type Request,
  chromium,
} from 'playwright-core';

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

/**
 * Chromium aborts the requests it has in flight with ERR_NETWORK_CHANGED when it sees the host's
 * network change. A CI run recorded it on a real-apps preview left blank (a module script lost)
 * while other tests were starting containers and networks; starting one during a page load did
 * not provoke it here again, so the trigger is not pinned down. Nothing Forge or the app did.
 */
export const NETWORK_CHANGED = 'net::ERR_NETWORK_CHANGED';

/**
 * Opens `url` and waits for `text`, once more when the load lost a request to a change of the
 * host's network (retryOnNetworkChange); `errors`, the page's collected errors, then forget
 * those of the aborted load. Any other failure is thrown as it is.
 */
export async function gotoShowing(
  page: Page,
  url: string,
  text: string,
  errors: string[],
  timeoutMs: number,
): Promise<void> {
  let attempts = 0;
  await retryOnNetworkChange(page.context(), url, async () => {
    if (attempts++ > 0) {
      errors.length = 0;
    }
    await page.goto(url);
    await page.getByText(text).first().waitFor({ timeout: timeoutMs });
  });
}

/**
 * Runs `attempt`, and once more when it failed after Chromium lost a request of `context` to a
 * change of the host's network (see NETWORK_CHANGED); any other failure is thrown as it is.
 * `attempt` must hold when run twice (a form may have been sent the first time).
 */
export async function retryOnNetworkChange<T>(
  context: BrowserContext,
  what: string,
  attempt: () => Promise<T>,
): Promise<T> {
  let changed = false;
  const failed = (request: Request) => {
    if (request.failure()?.errorText === NETWORK_CHANGED) {
      changed = true;
    }
  };
  context.on('requestfailed', failed);
  try {
    return await attempt();
  } catch (error) {
    if (!changed) {
      throw error;
    }
    process.stderr.write(`${what}: a request was lost to a network change; trying again\n`);
    return await attempt();
  } finally {
    context.off('requestfailed', failed);
  }
}
