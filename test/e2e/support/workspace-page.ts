import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ConsoleErrors, launchChromium } from './browser';
import { startWebStack, type WebStack, type WebStackOptions } from './web-stack';

/** Forge's web stack and one Chromium page (1280×800) for a spec file. */
export interface WorkspaceBrowser {
  stack: WebStack;
  page: Page;
  /** The page's console errors, collected from the start. */
  errors: ConsoleErrors;
  /** Closes the page's context and the browser, then the stack. */
  close(): Promise<void>;
}

export async function openWorkspaceBrowser(
  options: WebStackOptions = {},
): Promise<WorkspaceBrowser> {
  const stack = await startWebStack(options);
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await browser?.close();
    await stack.close();
  };
  try {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    return { stack, page, errors: new ConsoleErrors(page), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The spec file's stack and browser: opened in a beforeAll and handed to `opened` (which takes
 * what it needs from them), closed in an afterAll.
 */
export function useWorkspaceBrowser(
  opened: (session: WorkspaceBrowser) => void | Promise<void>,
  options: WebStackOptions = {},
): void {
  let session: WorkspaceBrowser | undefined;
  beforeAll(async () => {
    session = await openWorkspaceBrowser(options);
    await opened(session);
  });
  afterAll(async () => {
    await session?.close();
  });
}

/** The workspace's state word once the agent stopped working (Ready, Failed or Stopped). */
export async function finalState(page: Page, timeoutMs: number): Promise<string> {
  const badge = page.locator('.status forge-project-state-badge');
  await badge.filter({ hasText: /^(Ready|Failed|Stopped)$/ }).waitFor({ timeout: timeoutMs });
  return (await badge.textContent())?.trim() ?? '';
}

/** Every error the page shows, to put in a failure's message. */
export async function shownErrors(page: Page): Promise<string> {
  const alerts = await page.locator('[role="alert"], .stage .state').allInnerTexts();
  return (
    alerts
      .map((text) => text.trim())
      .filter(Boolean)
      .join(' | ') || '(none shown)'
  );
}

/**
 * How long a preview's errors take at most to show up in the workspace: the reporter batches
 * 250 ms, then API, runner and socket. Waited out before saying that none showed.
 */
export const ERRORS_SHOW_WITHIN_MS = 3_000;

/** The "Checks and errors" strip's summary, or null when the workspace shows no error. */
export async function shownProblems(page: Page): Promise<string | null> {
  const strip = page.locator('details.problems summary');
  return (await strip.count()) === 0 ? null : (await strip.innerText()).trim();
}

/** How far the page scrolls sideways, in CSS pixels (0 when nothing overflows). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  // A string: this file is compiled without the DOM's types.
  return Number(
    await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ),
  );
}

/**
 * Creates an account on the sign-up page: `name`, an email no other run used (from the first
 * name) and the tests' password. `beforeSubmit` runs once the form is filled in.
 */
export async function signUp(
  page: Page,
  stackUrl: string,
  name: string,
  beforeSubmit?: () => Promise<unknown>,
): Promise<void> {
  await page.goto(`${stackUrl}/sign-up`);
  await page.getByLabel('Name').fill(name);
  const firstName = name.split(' ')[0]!.toLowerCase();
  await page.getByLabel('Email').fill(`${firstName}-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery');
  await beforeSubmit?.();
  await page.getByRole('button', { name: 'Create account' }).click();
}
