import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { type SandboxProvider } from '@forge/sandbox';
import { SANDBOX_PROVIDER } from '../../apps/agent-runner/src/sandbox/sandbox.module';
import { launchChromium, Screenshots } from './support/browser';
import { finalState, shownErrors, signUp, useWorkspaceBrowser } from './support/workspace-page';
import { type WebStack } from './support/web-stack';

jest.setTimeout(900_000);

const GENERATION_TIMEOUT_MS = 300_000;
const PUBLISH_TIMEOUT_MS = 240_000;
const PAGE_TIMEOUT_MS = 30_000;
/** Waking the copy's sandbox: install and dev-server start, on a shared machine. */
const PREVIEW_TIMEOUT_MS = 90_000;

/**
 * Publish the demo app and open it signed out; share it, remix it from another account; publish
 * an older version; stop the sandbox; unpublish; revoke the link.
 */
describe('publishing and sharing an app (e2e)', () => {
  let stack: WebStack;
  let page: Page;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const shots = new Screenshots('publish-and-share');

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) {
      await context.close().catch(() => undefined);
    }
    await browser?.close();
  });

  useWorkspaceBrowser((session) => {
    ({ stack, page } = session);
  });

  /** A fresh page with no cookies: someone signed out, on another machine. */
  async function strangerPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    return context.newPage();
  }

  async function publishWith(version: string | null): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    if (version) {
      await dialog.getByLabel('Version', { exact: true }).selectOption(version);
    }
    await dialog.getByRole('button', { name: /^(Publish|Update)$/ }).click();
    try {
      await dialog
        .getByText(version ? `Live: version ${version}` : /Live: version \d+/)
        .waitFor({ timeout: PUBLISH_TIMEOUT_MS });
    } catch (error) {
      await shots.take(page, 'publish-failed');
      throw new Error(`publishing failed: ${await dialog.textContent()}`, { cause: error });
    }
  }

  it('publishes, shares, remixes, republishes an older version, outlives the sandbox, unpublishes', async () => {
    const slug = `todo-${Date.now().toString(36)}`;
    const appUrl = new URL(stack.publishTemplate.replace('{slug}', slug)).toString();

    await signUp(page, stack.url, 'Grace Hopper');
    await page.getByRole('textbox', { name: 'What do you want to build?' }).fill('A todo list');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/);
    const projectId = page.url().split('/').at(-1)!;
    const state = await finalState(page, GENERATION_TIMEOUT_MS);
    if (state !== 'Ready') {
      throw new Error(`the generation ended ${state}: ${await shownErrors(page)}`);
    }

    // Publish the latest version, public, at a chosen address.
    await page.getByRole('button', { name: 'Publish' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish' });
    await dialog.getByLabel('Address name').fill(slug);
    await dialog.getByRole('radio', { name: /Public/ }).check();
    await shots.take(page, 'publish-dialog');
    await publishWith(null);
    await dialog.getByRole('link', { name: appUrl }).waitFor();
    await shots.take(page, 'published');

    // Signed out, elsewhere: the app runs (its script renders the todo list and its filters).
    const visitor = await strangerPage();
    await visitor.goto(appUrl);
    await visitor.getByText('Todo list').first().waitFor({ timeout: PAGE_TIMEOUT_MS });
    await visitor.getByPlaceholder('What needs doing?').fill('Buy milk');
    await visitor.keyboard.press('Enter');
    await visitor.getByText('Buy milk').waitFor();
    // Version 2's filters, shown once there is a todo.
    await visitor.getByRole('group', { name: 'Show' }).waitFor();
    await shots.take(visitor, 'public-app');
    // A route of the app is the app too (single-page fallback).
    expect((await visitor.goto(`${appUrl}some/route`))?.status()).toBe(200);

    // Share: a read-only link, opened by another account, which remixes it.
    await dialog.getByRole('button', { name: 'Close publishing' }).click();
    await page.getByRole('button', { name: 'Share' }).click();
    const share = page.getByRole('dialog', { name: 'Share' });
    await share.getByRole('button', { name: 'Create a link' }).click();
    const shareUrl = await share.getByLabel('Share link', { exact: true }).inputValue();
    expect(shareUrl).toMatch(new RegExp(`^${stack.url}/s/[A-Za-z0-9_-]{43}$`));
    await shots.take(page, 'share-dialog');

    const signedOut = await strangerPage();
    await signedOut.goto(shareUrl);
    await signedOut.getByText('Shared, read-only').waitFor({ timeout: PAGE_TIMEOUT_MS });
    await signedOut.getByRole('button', { name: 'src/App.tsx' }).click();
    await signedOut.getByLabel('Source of src/App.tsx').getByText('Todo list').waitFor();
    await signedOut
      .frameLocator('iframe[title="The published app"]')
      .getByText('Todo list')
      .first()
      .waitFor();
    await signedOut.getByRole('link', { name: 'Sign in to remix' }).waitFor();
    await shots.take(signedOut, 'shared-signed-out');

    const other = await strangerPage();
    await signUp(other, stack.url, 'Alan Turing');
    await other.getByText('What do you want to build?').waitFor();
    // The owner's workspace is not theirs.
    await other.goto(`${stack.url}/project/${projectId}`);
    await other.getByText('Project not found').waitFor();
    await other.goto(shareUrl);
    await other.getByRole('button', { name: 'Remix' }).click();
    await other.waitForURL(/\/project\/[0-9a-f-]{36}$/);
    const copyId = other.url().split('/').at(-1)!;
    expect(copyId).not.toBe(projectId);
    await other.getByRole('heading', { name: /\(remix\)$/ }).waitFor();
    // No phase ran in the copy, yet its preview opens by itself and runs the app.
    await other.getByRole('tab', { name: 'Preview' }).click();
    await other
      .frameLocator('iframe[title="Preview of the app"]')
      .getByText('Todo list')
      .first()
      .waitFor({ timeout: PREVIEW_TIMEOUT_MS });
    expect(await other.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    await other.getByRole('tab', { name: 'Code' }).click();
    await other
      .locator('[role="treeitem"][data-path="src/App.tsx"]')
      .waitFor({ timeout: PAGE_TIMEOUT_MS });
    await shots.take(other, 'remixed');

    // Publish version 1, which has no filters yet: that one is served.
    await share.getByRole('button', { name: 'Close sharing' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await publishWith('1');
    await visitor.goto(appUrl);
    await visitor.getByText('Todo list').first().waitFor({ timeout: PAGE_TIMEOUT_MS });
    await visitor.getByPlaceholder('What needs doing?').fill('Call the plumber');
    await visitor.keyboard.press('Enter');
    await visitor.getByText('Call the plumber').waitFor();
    expect(await visitor.getByRole('group', { name: 'Show' }).count()).toBe(0);
    await shots.take(visitor, 'older-version');

    // The preview's sandbox stopped: the published app still answers.
    const provider = stack.runner.app.get<SandboxProvider>(SANDBOX_PROVIDER);
    await (await provider.get(projectId)).stop();
    expect(await (await provider.get(projectId)).status()).not.toBe('running');
    await visitor.reload();
    await visitor.getByText('Todo list').first().waitFor({ timeout: PAGE_TIMEOUT_MS });

    // Unpublished: the address answers 404 with a page saying so.
    await page
      .getByRole('dialog', { name: 'Publish' })
      .getByRole('button', { name: 'Unpublish' })
      .click();
    await page.getByRole('dialog', { name: 'Publish' }).getByText('Not published.').waitFor();
    const gone = await visitor.goto(appUrl);
    expect(gone?.status()).toBe(404);
    await visitor.getByText('Nothing published here').waitFor();
    await shots.take(visitor, 'unpublished');

    // Revoked: the shared page closes.
    await page
      .getByRole('dialog', { name: 'Publish' })
      .getByRole('button', { name: 'Close publishing' })
      .click();
    await page.getByRole('button', { name: 'Share' }).click();
    await share.getByRole('button', { name: 'Revoke' }).click();
    await share.getByText('No links yet.').waitFor();
    await signedOut.reload();
    await signedOut.getByText('Link not found').waitFor();
    await shots.take(signedOut, 'revoked');
  });
});
