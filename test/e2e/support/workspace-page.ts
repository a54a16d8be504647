import { type Page } from 'playwright-core';

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

/** How far the page scrolls sideways, in CSS pixels (0 when nothing overflows). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  // A string: this file is compiled without the DOM's types.
  return Number(
    await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    ),
  );
}
