import { type Page } from 'playwright-core';
import { type ConsoleErrors, Screenshots } from './support/browser';
import { type WebStack } from './support/web-stack';
import {
  finalState,
  shownErrors,
  sidewaysOverflow,
  signUp,
  useWorkspaceBrowser,
} from './support/workspace-page';

// A first run prepares the app template (bun install) and cold-starts Vite; later runs reuse it.
jest.setTimeout(1_500_000);

const FIRST_PROMPT = 'A todo list with due dates';
const CHANGE = 'Change the subtitle to "Progress you can trust"';
const SECOND_CHANGE = 'Change the subtitle to "Stopped halfway"';
const PHONE_CHANGE = 'Change the subtitle to "Seen on a phone"';
const GENERATION_TIMEOUT_MS = 300_000;
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Records every text the header's state shows, in the page itself (a MutationObserver), so the
 * test can look at each label a user saw without racing the page.
 */
const RECORD_LABELS = `(() => {
  const seen = (window.__forgeLabels = window.__forgeLabels || []);
  const record = () => {
    const element = document.querySelector('.status-words');
    const text = element && element.textContent.replace(/\\s+/g, ' ').trim();
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  };
  const start = () =>
    new MutationObserver(record).observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})()`;

async function labelsSeen(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__forgeLabels || []')) as string[];
}

/** "phase 3 of 2" is a lie: every place the header showed must be within its total. */
function impossiblePlaces(labels: string[]): string[] {
  return labels.filter((label) => {
    const place = /phase (\d+) of (\d+)/.exec(label);
    return place !== null && Number(place[1]) > Number(place[2]);
  });
}

describe('the workspace tells the truth: progress, phone, model, chat (e2e)', () => {
  let stack: WebStack;
  let page: Page;
  let errors: ConsoleErrors;
  const shots = new Screenshots('workspace-progress');

  useWorkspaceBrowser(async (session) => {
    ({ stack, page, errors } = session);
    await page.addInitScript(RECORD_LABELS);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  const chat = () => page.getByRole('log', { name: 'Conversation' });
  const entry = (text: string | RegExp) => chat().locator('.entry', { hasText: text });

  /** Waits for the `count`th "Done" message (saved, so never a stale state) and a Ready badge. */
  async function ready(what: string, count: number): Promise<void> {
    const done = chat().locator('.message', { hasText: /Done in \d+ phases?:/ });
    try {
      await done.nth(count - 1).waitFor({ timeout: GENERATION_TIMEOUT_MS });
    } catch (error) {
      await shots.take(page, `${what.replace(/\W+/g, '-')}-not-done`);
      throw new Error(`${what} did not finish: ${await shownErrors(page)}`, { cause: error });
    }
    const state = await finalState(page, GENERATION_TIMEOUT_MS);
    if (state !== 'Ready') {
      throw new Error(`${what} ended ${state}: ${await shownErrors(page)}`);
    }
  }

  async function send(text: string): Promise<void> {
    const box = page.getByLabel('Ask for a change…');
    await box.fill(text);
    await box.press('Enter');
    await chat().locator('.message[data-role="user"]', { hasText: text }).waitFor();
  }

  it('on a desktop: demo badge, one plan, true progress, what changed, and the chat entries', async () => {
    await signUp(page, stack.url, 'Grace Hopper');

    // Before anything is sent, the prompt box says the model is the offline demo.
    const demo = page.locator('forge-model-picker [data-model="demo"]');
    await demo.waitFor();
    expect(await demo.textContent()).toContain('does not follow your prompt');
    await page.getByRole('textbox', { name: 'What do you want to build?' }).fill(FIRST_PROMPT);
    await shots.take(page, 'dashboard-demo-badge');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/);

    // While it works the header says the step and the phase; a screenshot mid-way.
    await page.locator('.status-words', { hasText: /phase \d/ }).waitFor({
      timeout: GENERATION_TIMEOUT_MS,
    });
    await shots.take(page, 'working');
    await ready('the first request', 1);
    await shots.take(page, 'first-ready');

    // One place for the plan: the blueprint's title and summary in it, no separate card.
    expect(await page.locator('forge-plan-panel section.plan').count()).toBe(1);
    expect(await page.locator('forge-plan-panel .blueprint').count()).toBe(0);
    expect(await page.locator('#plan-title').textContent()).toMatch(/^\s*Plan: /);
    expect(
      await chat()
        .locator('.message', { hasText: /^Forge\s*Plan: / })
        .count(),
    ).toBe(0);
    await chat()
      .locator('.message', { hasText: /Done in \d+ phases?: (added|changed) / })
      .waitFor();
    // Tokens of the request and the project, live.
    expect(await page.locator('[data-usage]').textContent()).toMatch(/tokens/);

    // A follow-up: its own plan replaces the first, counted from phase 1.
    const labelsBefore = (await labelsSeen(page)).length;
    await send(CHANGE);
    await ready('the follow-up', 2);
    expect(await page.locator('#plan-title').textContent()).toMatch(/^\s*Change\s+·\s+1 phase\s*$/);
    await chat()
      .locator('.message', { hasText: /Done in 1 phase: (changed|added) src\/subtitle\.ts\./ })
      .waitFor();
    const followUpLabels = (await labelsSeen(page)).slice(labelsBefore);
    expect(followUpLabels.filter((label) => /phase [2-9]/.test(label))).toEqual([]);
    await shots.take(page, 'follow-up-ready');

    // An edit saved in the code view appears in the chat.
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.locator('[role="treeitem"][data-path="src/subtitle.ts"]').click();
    await page.getByRole('textbox', { name: 'Code of src/subtitle.ts', exact: true }).waitFor();
    await page.locator('.cm-line').first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(' // checked');
    await page.keyboard.press('Control+s');
    await page
      .locator('.save-status', { hasText: /Saved — version \d+/ })
      .waitFor({ timeout: COMMAND_TIMEOUT_MS });
    await entry(/Edited src\/subtitle\.ts \(version \d+\)\./).waitFor({
      timeout: COMMAND_TIMEOUT_MS,
    });

    // A restore too.
    await page.getByRole('button', { name: 'Versions' }).click();
    const sheet = page.getByRole('dialog', { name: 'Versions', exact: true });
    await sheet.locator('.version').nth(1).click();
    await sheet.getByRole('button', { name: 'Restore this version' }).click();
    await page
      .getByRole('dialog', { name: /^Restore version \d+\?$/ })
      .getByRole('button', {
        name: 'Restore',
        exact: true,
      })
      .click();
    await entry(/Restored version \d+ \(\d+ files? changed\), saved as version \d+\./).waitFor({
      timeout: COMMAND_TIMEOUT_MS,
    });
    await sheet.getByRole('button', { name: 'Close the versions' }).click();
    await sheet.waitFor({ state: 'detached' });

    // A stop: the plan shows nothing in progress, the header and the chat say Stopped.
    await send(SECOND_CHANGE);
    await page.locator('.status-words', { hasText: /Designing|Writing code/ }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    expect(await finalState(page, COMMAND_TIMEOUT_MS)).toBe('Stopped');
    await entry('Stopped. The files written so far are kept.').waitFor();
    const running = page.locator(
      'forge-plan-panel .phase[data-status="designing"], forge-plan-panel .phase[data-status="designed"], forge-plan-panel .phase[data-status="implementing"]',
    );
    expect(await running.count()).toBe(0);
    await shots.take(page, 'stopped');

    // After a reload the entries are still there: they are saved as messages.
    await page.reload();
    await entry(/Edited src\/subtitle\.ts/).waitFor();
    await entry(/Restored version/).waitFor();
    await entry('Stopped. The files written so far are kept.').waitFor();
    expect(await finalState(page, COMMAND_TIMEOUT_MS)).toBe('Stopped');
    await shots.take(page, 'reloaded');

    expect(impossiblePlaces(await labelsSeen(page))).toEqual([]);

    // The dashboard calls it Stopped too, with its tokens.
    await page.getByRole('link', { name: 'Forge, all projects' }).click();
    const card = page.locator('forge-project-card').first();
    await card.locator('forge-project-state-badge', { hasText: 'Stopped' }).waitFor();
    expect(await card.locator('.usage').textContent()).toMatch(/tokens/);
    await shots.take(page, 'dashboard');
  });

  it('on a phone: the state never clips, progress shows, a dot says a preview is ready, account in a menu', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(stack.url);
    await page.locator('forge-project-card a').first().click();
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/);
    const badge = page.locator('.status-words forge-project-state-badge');
    await badge.waitFor();
    await shots.take(page, 'phone-idle');

    await page.getByRole('tab', { name: 'Chat' }).click();
    const labelsBefore = (await labelsSeen(page)).length;
    await send(PHONE_CHANGE);
    const progress = page.locator('.phone-progress');
    await progress.waitFor({ timeout: GENERATION_TIMEOUT_MS });
    expect(await progress.textContent()).toMatch(/phase 1/);
    await shots.take(page, 'phone-working');

    // The whole state word fits in the header, at every step.
    const clipped = (await page.evaluate(`(() => {
      const words = document.querySelector('.status-words');
      const box = words.getBoundingClientRect();
      return box.right > window.innerWidth || words.scrollWidth > words.clientWidth + 1;
    })()`)) as boolean;
    expect(clipped).toBe(false);
    // The Preview tab gets a dot when the new preview is ready while the chat shows.
    await page.locator('[role="tab"][data-tab="preview"] [data-news="preview"]').waitFor({
      timeout: GENERATION_TIMEOUT_MS,
    });
    await ready('the phone follow-up', 3);
    await shots.take(page, 'phone-preview-dot');
    const phoneLabels = (await labelsSeen(page)).slice(labelsBefore);
    expect(phoneLabels.some((label) => /^Ready/.test(label))).toBe(true);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.getByRole('tab', { name: 'Preview' }).click();
    // Zoneless change detection renders after the click's event returns: wait for the dot to go.
    await page
      .locator('[data-news="preview"]')
      .waitFor({ state: 'detached', timeout: COMMAND_TIMEOUT_MS });
    await shots.take(page, 'phone-preview');
    // Seen is seen: back on the chat, the same preview is no news (one render shows both).
    await page.getByRole('tab', { name: 'Chat' }).click();
    await page.locator('[role="tab"][data-tab="chat"][aria-selected="true"]').waitFor();
    expect(await page.locator('[data-news="preview"]').count()).toBe(0);

    // Sign out lives in the account menu, not in the header.
    expect(await page.locator('forge-top-bar header').getByText('Sign out').count()).toBe(0);
    await page.getByRole('button', { name: /^Account/ }).click();
    await shots.take(page, 'phone-account-menu');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);

    expect(errors.of(stack.url)).toEqual([]);
  });
});
