import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type Page } from 'playwright-core';
import { listTemplateFiles } from '@forge/sandbox';
import {
  startGitHttpServer,
  type GitHttpServer,
} from '../../apps/api/src/git-io/testing/git-http-server';
import { buildZip } from '../../apps/api/src/git-io/testing/zip-builder';
import { Screenshots } from './support/browser';
import { type WebStack } from './support/web-stack';
import { openWorkspaceBrowser, signUp, type WorkspaceBrowser } from './support/workspace-page';

jest.setTimeout(600_000);

const run = promisify(execFile);
const TOKEN = 'e2e-git-token-0123456789abcdef';
const PREVIEW_TIMEOUT_MS = 90_000;
const HEADING = 'Imported through git';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** git with the test server's credentials in its environment (never in a URL). */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`me:${TOKEN}`).toString('base64')}`,
  };
}

/** The starter template with its own App.tsx and an image, pushed to the test server. */
async function publishApp(server: GitHttpServer): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const file of await listTemplateFiles()) {
    files[file.path] = Buffer.from(file.content);
  }
  files['src/App.tsx'] = Buffer.from(
    `export default function App() {\n  return <h1>${HEADING}</h1>;\n}\n`,
  );
  files['public/logo.png'] = PNG;
  await server.createRepository('app');
  const dir = await mkdtemp(join(tmpdir(), 'forge-e2e-import-'));
  try {
    for (const [path, bytes] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), bytes);
    }
    const env = gitEnv();
    const git = (...args: string[]) => run('git', args, { cwd: dir, env });
    await git('init', '--quiet', '--initial-branch=main');
    await git('add', '-A');
    await git('-c', 'user.name=E2E', '-c', 'user.email=e2e@localhost', 'commit', '-qm', 'app');
    await git('push', '--quiet', `${server.url}/app.git`, 'main');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return files;
}

/** Waits for the new project's page; the dialog's error, if it shows one instead, is the failure. */
async function waitForProject(page: Page, shots: Screenshots, name: string): Promise<void> {
  try {
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  } catch (error) {
    await shots.take(page, name);
    const alerts = await page.getByRole('alert').allTextContents();
    throw new Error(`the import did not open a project: ${alerts.join(' | ')}`, { cause: error });
  }
}

async function waitForPreviewHeading(page: Page, shots: Screenshots, text: string): Promise<void> {
  // No phase ran in an imported project, yet its preview opens by itself: no click.
  await page.getByRole('tab', { name: 'Preview' }).click();
  try {
    await page
      .frameLocator('iframe[title="Preview of the app"]')
      .getByRole('heading', { name: text })
      .waitFor({ timeout: PREVIEW_TIMEOUT_MS });
  } catch (error) {
    await shots.take(page, 'preview-missing');
    const shown = await page.locator('main').innerText();
    throw new Error(`the preview did not show "${text}": ${shown.slice(0, 1500)}`, {
      cause: error,
    });
  }
}

describe('importing an app in the browser (e2e)', () => {
  let session: WorkspaceBrowser | undefined;
  let server: GitHttpServer;
  let stack: WebStack;
  let page: Page;
  let files: Record<string, Buffer>;
  const shots = new Screenshots('import-app');

  beforeAll(async () => {
    server = await startGitHttpServer(TOKEN);
    files = await publishApp(server);
    session = await openWorkspaceBrowser({
      apiEnv: {
        GIT_TOKEN_KEY: 'e2e-git-token-key-0123456789abcdef',
        GIT_ALLOW_HTTP_LOOPBACK: 'true',
      },
    });
    ({ stack, page } = session);
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('imports from git and from a zip on the dashboard, previews the app, and pushes it back', async () => {
    await signUp(page, stack.url, 'Grace Hopper');
    await page.getByText('What do you want to build?').waitFor();

    // A wrong token is said as such, and no project appears.
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByLabel('Repository URL (https)').fill(`${server.url}/app.git`);
    await page.getByLabel(/^Token/).fill('wrong-token');
    await page.getByRole('button', { name: 'Import from git' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused the credentials' }).waitFor();
    await shots.take(page, 'wrong-token');

    // The right one imports the app and opens it; the preview runs it.
    await page.getByLabel(/^Token/).fill(TOKEN);
    await page.getByRole('button', { name: 'Import from git' }).click();
    await waitForProject(page, shots, 'git-import-failed');
    await waitForPreviewHeading(page, shots, HEADING);
    await shots.take(page, 'imported-from-git');

    // Push it to another repository on the same server.
    await server.createRepository('pushed');
    await page.getByRole('button', { name: 'Push to git' }).click();
    await page.getByLabel('Remote URL (https)').fill(`${server.url}/pushed.git`);
    await page.getByLabel('Branch').fill('forge');
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Push', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Version 1 pushed to forge' }).waitFor();
    await shots.take(page, 'pushed');
    const { stdout } = await run('git', ['ls-remote', `${server.url}/pushed.git`, 'forge'], {
      env: gitEnv(),
    });
    expect(stdout).toMatch(/^[0-9a-f]{40}\trefs\/heads\/forge/);
    // The page only learns that a token is set.
    await expect(page.getByLabel('Token').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Token').getAttribute('placeholder')).resolves.toContain(
      'A token is set',
    );

    // A zip of the same app, with another heading, through the file picker.
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'Import' }).click();
    const zip = buildZip(
      Object.entries({
        ...files,
        'src/App.tsx': Buffer.from(
          'export default function App() {\n  return <h1>Imported from a zip</h1>;\n}\n',
        ),
      }).map(([path, data]) => ({ name: `app-main/${path}`, data })),
    );
    await page
      .getByLabel(/^Zip of the app/)
      .setInputFiles({ name: 'app.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByRole('button', { name: 'Import the zip' }).click();
    await waitForProject(page, shots, 'zip-import-failed');
    await waitForPreviewHeading(page, shots, 'Imported from a zip');
    await shots.take(page, 'imported-from-zip');

    // Every git request went to the loopback server.
    expect(server.requests.length).toBeGreaterThan(0);
  });
});
