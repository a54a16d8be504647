import { Client } from 'pg';
import { type FrameLocator, type Page } from 'playwright-core';
import { appDatabaseName } from '../../apps/agent-runner/src/app-database/app-database-admin';
import { SandboxSessions } from '../../apps/agent-runner/src/sandbox/sandbox-sessions';
import { type ConsoleErrors, Screenshots } from './support/browser';
import { type WebStack } from './support/web-stack';
import { finalState, shownErrors, signUp, useWorkspaceBrowser } from './support/workspace-page';

// A first run prepares the app template (bun install) and cold-starts Vite; later runs reuse it.
jest.setTimeout(900_000);

/** Names a database: the offline demo model answers it with its recorded guestbook. */
const FIRST_PROMPT = 'A guestbook kept in a database';
/** Any follow-up of the guestbook replays its recorded second phase: a mood, by migration 002. */
const FOLLOW_UP = 'Let visitors pick a mood for their entry';
const GENERATION_TIMEOUT_MS = 300_000;
const PREVIEW_TIMEOUT_MS = 120_000;
/** The Database sheet loads its chunk and asks the API; generous on a loaded machine. */
const SHEET_TIMEOUT_MS = 90_000;
/** The site's build, then the server part's. */
const PUBLISH_TIMEOUT_MS = 240_000;

interface EntryRow {
  id: number;
  name: string;
  message: string;
  mood?: string;
}

/** The rows of the project's own database, read as Forge's admin, behind the app's back. */
async function appQuery<T>(projectId: string, sql: string): Promise<T[]> {
  const url = new URL(process.env.FORGE_TEST_PG_ADMIN_URL!);
  url.pathname = `/${appDatabaseName(projectId)}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('a full-stack app with its own database, in the browser (e2e)', () => {
  let stack: WebStack;
  let page: Page;
  let errors: ConsoleErrors;
  const shots = new Screenshots('full-stack-app');

  useWorkspaceBrowser((session) => {
    ({ stack, page, errors } = session);
  });

  const preview = (): FrameLocator => page.frameLocator('iframe[title="Preview of the app"]');

  async function openPreview(step: string, text: string): Promise<void> {
    await page.getByRole('tab', { name: 'Preview' }).click();
    try {
      await preview().getByText(text).first().waitFor({ timeout: PREVIEW_TIMEOUT_MS });
    } catch (error) {
      await shots.take(page, `${step}-missing`);
      throw new Error(`the preview did not show "${text}": ${await shownErrors(page)}`, {
        cause: error,
      });
    }
    await shots.take(page, step);
  }

  /** Signs the guestbook in `app`: the preview by default, or the published app's page. */
  async function sign(
    name: string,
    message: string,
    mood?: string,
    app: Pick<Page, 'getByLabel' | 'getByRole'> = preview(),
  ): Promise<void> {
    await app.getByLabel('Your name').fill(name);
    await app.getByLabel('Message').fill(message);
    if (mood) {
      await app.getByLabel('Mood', { exact: true }).selectOption(mood);
    }
    await app.getByRole('button', { name: 'Sign the guestbook' }).click();
    await app.getByRole('list', { name: 'Entries' }).getByText(message).waitFor();
  }

  /** Opens the workspace's Database sheet on the entries table and checks what it shows. */
  async function checkDatabaseSheet(step: string, cells: string[], migrations: string[]) {
    await page.getByRole('button', { name: 'Database', exact: true }).click();
    const sheet = page.getByRole('dialog', { name: 'Database' });
    try {
      await sheet.locator('[data-table="entries"]').click({ timeout: SHEET_TIMEOUT_MS });
      for (const cell of cells) {
        await sheet.getByRole('cell', { name: cell, exact: true }).waitFor();
      }
      for (const migration of migrations) {
        await sheet.locator('.migration-name', { hasText: migration }).waitFor();
      }
    } catch (error) {
      await shots.take(page, `${step}-missing`);
      const shown = await page.locator('dialog').allInnerTexts();
      throw new Error(`the Database sheet did not show the rows: ${shown.join(' | ')}`, {
        cause: error,
      });
    }
    await shots.take(page, step);
    await sheet.getByRole('button', { name: 'Close the database' }).click();
    await sheet.waitFor({ state: 'hidden' });
  }

  it('generates a guestbook whose entries live in the project’s database, survive a sleep and a schema change', async () => {
    await signUp(page, stack.url, 'Grace Hopper');
    await page.getByText('What do you want to build?').waitFor();

    await page.getByRole('textbox', { name: 'What do you want to build?' }).fill(FIRST_PROMPT);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/);
    const projectId = /\/project\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    const state = await finalState(page, GENERATION_TIMEOUT_MS);
    await shots.take(page, 'generated');
    if (state !== 'Ready') {
      throw new Error(`the generation ended ${state}: ${await shownErrors(page)}`);
    }

    // Rows made through the preview's UI land in the project's own database.
    await openPreview('preview', 'No entries yet. Be the first to sign.');
    await sign('Ada', 'Hello from the preview');
    await sign('Alan', 'Second entry, same database');
    await shots.take(page, 'signed');
    expect(
      await appQuery<EntryRow>(projectId, 'SELECT id, name, message FROM entries ORDER BY id'),
    ).toEqual([
      { id: 1, name: 'Ada', message: 'Hello from the preview' },
      { id: 2, name: 'Alan', message: 'Second entry, same database' },
    ]);
    expect(
      await appQuery<{ name: string }>(
        projectId,
        'SELECT name FROM forge_migrations ORDER BY name',
      ),
    ).toEqual([{ name: '001-create-entries.sql' }]);
    // The owner sees them in the workspace's Database sheet too.
    await checkDatabaseSheet(
      'database-sheet',
      ['Hello from the preview', 'Second entry, same database'],
      ['001-create-entries.sql'],
    );

    // The sandbox goes to sleep (as when idle) and a visit wakes it: the rows are still there.
    const sessions = stack.runner.app.get(SandboxSessions);
    const sandbox = (await sessions.open(projectId))!;
    await sandbox.stop();
    expect(await sandbox.status()).toBe('stopped');
    await page.reload();
    await openPreview('woken', 'Hello from the preview');
    await preview().getByText('Second entry, same database').waitFor();
    expect(await sandbox.status()).toBe('running');

    // A follow-up changes the schema by a new migration; the entries already there survive.
    const chat = page.getByLabel('Ask for a change…');
    await chat.fill(FOLLOW_UP);
    await chat.press('Enter');
    await page.locator('.message[data-role="user"]', { hasText: FOLLOW_UP }).waitFor();
    await page.getByRole('tab', { name: 'Preview' }).click();
    try {
      // The mood picker shows once the phase's files reach the dev server.
      await preview().getByLabel('Mood').waitFor({ timeout: GENERATION_TIMEOUT_MS });
    } catch (error) {
      await shots.take(page, 'follow-up-missing');
      throw new Error(`the preview did not show the follow-up: ${await shownErrors(page)}`, {
        cause: error,
      });
    }
    expect(await finalState(page, GENERATION_TIMEOUT_MS)).toBe('Ready');
    await openPreview('follow-up', 'Hello from the preview');
    await sign('Grace', 'Moods work too', 'thankful');
    await preview().getByLabel('mood: thankful').waitFor();
    await shots.take(page, 'with-mood');
    expect(
      await appQuery<EntryRow>(
        projectId,
        'SELECT id, name, message, mood FROM entries ORDER BY id',
      ),
    ).toEqual([
      { id: 1, name: 'Ada', message: 'Hello from the preview', mood: '' },
      { id: 2, name: 'Alan', message: 'Second entry, same database', mood: '' },
      { id: 3, name: 'Grace', message: 'Moods work too', mood: 'thankful' },
    ]);
    expect(
      await appQuery<{ name: string }>(
        projectId,
        'SELECT name FROM forge_migrations ORDER BY name',
      ),
    ).toEqual([{ name: '001-create-entries.sql' }, { name: '002-add-mood-to-entries.sql' }]);
    await checkDatabaseSheet(
      'database-sheet-after-follow-up',
      ['Moods work too', 'thankful'],
      ['001-create-entries.sql', '002-add-mood-to-entries.sql'],
    );

    // Published at its own address: signed out, the page comes from the stored build and its
    // /api from the app's own server part, on the same database; it outlives the sandbox.
    const slug = `guestbook-${Date.now().toString(36)}`;
    const appUrl = new URL(stack.publishTemplate.replace('{slug}', slug)).toString();
    await page.getByRole('button', { name: 'Publish' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    await dialog.getByLabel('Address name').fill(slug);
    await dialog.getByRole('radio', { name: /Public/ }).check();
    await dialog.getByRole('button', { name: /^(Publish|Update)$/ }).click();
    try {
      await dialog.getByText(/Live: version \d+/).waitFor({ timeout: PUBLISH_TIMEOUT_MS });
    } catch (error) {
      await shots.take(page, 'publish-failed');
      throw new Error(`publishing failed: ${await dialog.textContent()}`, { cause: error });
    }
    await shots.take(page, 'published');
    const visitorContext = await page.context().browser()!.newContext();
    try {
      const visitor = await visitorContext.newPage();
      await visitor.goto(appUrl);
      await visitor.getByText('Moods work too').waitFor({ timeout: PREVIEW_TIMEOUT_MS });
      await sign('Linus', 'Signed on the published app', 'thankful', visitor);
      await shots.take(visitor, 'published-app');
      expect(
        await appQuery<Pick<EntryRow, 'name' | 'message'>>(
          projectId,
          'SELECT name, message FROM entries WHERE id = 4',
        ),
      ).toEqual([{ name: 'Linus', message: 'Signed on the published app' }]);
      await sandbox.stop();
      await visitor.reload();
      await visitor.getByText('Signed on the published app').waitFor();
      expect(await sandbox.status()).toBe('stopped');
    } finally {
      await visitorContext.close();
    }

    expect(errors.of(stack.url)).toEqual([]);
  });
});
