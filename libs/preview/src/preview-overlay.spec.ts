import { type Server } from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ProcessSandboxProvider } from '@forge/sandbox';
import { makeTempDir } from '../../sandbox/src/testing/test-helpers';
import { createPreviewServer, previewUrl } from './preview-server';
import { HOST_PATH } from './preview-reporter';
import { signPreviewToken } from './preview-token';
import { close, listen, PREVIEW_TEST_SECRET } from './testing/test-servers';

// A cold Vite start in a process sandbox and Chromium take a while on a loaded machine.
jest.setTimeout(180_000);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where the overlay's screenshots go (git-ignored). */
const SCREENSHOTS = resolve(__dirname, '../../../test-results/preview-overlay');

/** An App.tsx Vite cannot compile: its overlay names the file where it failed. */
const BROKEN_APP = 'export default function App() {\n  return <p>Unclosed</div>;\n}\n';

describe("Vite's error overlay through the preview", () => {
  let base: string;
  let provider: ProcessSandboxProvider;
  let browser: Browser;
  const previews: Server[] = [];

  beforeAll(async () => {
    base = await makeTempDir('overlay');
    await mkdir(SCREENSHOTS, { recursive: true });
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const preview of previews) {
      await close(preview);
    }
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  /** The overlay's text as a user reads it, through a preview with or without the reporter. */
  async function overlayText(projectId: string, reporter: boolean): Promise<string> {
    const sandbox = await provider.open(projectId);
    await sandbox.writeFiles([{ path: 'src/App.tsx', content: BROKEN_APP }]);
    const vite = (await sandbox.startDevServer()).url;
    const preview = createPreviewServer({
      secret: PREVIEW_TEST_SECRET,
      resolve: async () => ({ url: vite }),
      ...(reporter ? { onRuntimeErrors: async () => {} } : {}),
    });
    previews.push(preview);
    const port = await listen(preview);
    const token = signPreviewToken(
      { projectId, userId: 'user-1', expiresAt: Date.now() + 3600_000 },
      PREVIEW_TEST_SECRET,
    );
    const page = await browser.newPage();
    try {
      await page.goto(previewUrl({ projectId, token, port }));
      const overlay = page.locator('vite-error-overlay .message-body');
      await overlay.waitFor({ timeout: 120_000 });
      const file = await page.locator('vite-error-overlay .file').innerText();
      await page.screenshot({ path: join(SCREENSHOTS, `${projectId}.png`) });
      return `${file}\n${await overlay.innerText()}`;
    } finally {
      await page.close();
    }
  }

  it('shows the project-relative path, never the sandbox workspace on the host', async () => {
    const shown = await overlayText('withreporter', true);
    expect(shown).toContain('src/App.tsx');
    expect(shown).not.toContain(base);
    expect(shown).not.toMatch(/(^|\s)\/\S+\/src\/App\.tsx/);
  });

  it('would show the host path without the reporter (what the rewrite is for)', async () => {
    const shown = await overlayText('plain', false);
    expect(shown).toContain(`${base}/root`);
  });
});

describe('HOST_PATH', () => {
  const relative = (text: string) => text.replace(HOST_PATH, '');

  it('makes absolute workspace paths project-relative and leaves URLs and root paths', () => {
    expect(relative('/srv/forge/ws/p1/src/App.tsx:3:4: Unexpected')).toBe(
      'src/App.tsx:3:4: Unexpected',
    );
    expect(relative('at (/tmp/x/root/p1/node_modules/react/index.js:1:1)')).toBe(
      'at (node_modules/react/index.js:1:1)',
    );
    expect(relative('file:///srv/ws/p1/index.html')).toBe('index.html');
    expect(relative('at http://p1.preview.localhost:3004/src/App.tsx:3:4')).toBe(
      'at http://p1.preview.localhost:3004/src/App.tsx:3:4',
    );
    expect(relative('import "/src/main.tsx"')).toBe('import "/src/main.tsx"');
  });
});
