import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Frame, type Page } from 'playwright-core';
import {
  createReplayLlmHandler,
  createScriptedLlmServer,
  type ReplayApp,
} from '@forge/scripted-llm';
import { npmPackage } from '../real-apps/corpus';
import { type ConsoleErrors, Screenshots } from './support/browser';
import { type WebStack } from './support/web-stack';
import {
  finalState,
  openWorkspaceBrowser,
  shownErrors,
  signUp,
  type WorkspaceBrowser,
} from './support/workspace-page';

// A first run prepares the app template (bun install), builds the web app and cold-starts Vite.
jest.setTimeout(900_000);

const GENERATION_TIMEOUT_MS = 300_000;
const PREVIEW_TIMEOUT_MS = 120_000;
const LOGO = 'public/logo192.png';
const REQUEST = 'A page that shows the React logo';

/** The PNG a real package ships (create-react-app's template), fetched at test time. */
function realPng(): Buffer {
  const png = readFileSync(join(npmPackage('cra-template', '1.3.0'), 'template', LOGO));
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return png;
}

/** The app the replay model writes: the logo as a binary block, a page showing it. */
function logoApp(png: Buffer): ReplayApp {
  return {
    id: 'logo',
    request: REQUEST,
    title: 'React logo',
    files: [
      { path: LOGO, content: png.toString('base64'), encoding: 'base64' },
      {
        path: 'src/App.tsx',
        content:
          'export default function App() {\n' +
          '  return (\n' +
          '    <main>\n' +
          '      <h1>The React logo</h1>\n' +
          '      <img src="/logo192.png" alt="React logo" width={192} height={192} />\n' +
          '    </main>\n' +
          '  );\n' +
          '}\n',
      },
      {
        // The starter's entry without its stylesheet, which the model deletes.
        path: 'src/main.tsx',
        content:
          "import { StrictMode } from 'react';\n" +
          "import { createRoot } from 'react-dom/client';\n" +
          "import App from './App';\n\n" +
          "createRoot(document.getElementById('root')!).render(\n" +
          '  <StrictMode>\n    <App />\n  </StrictMode>,\n);\n',
      },
    ],
    removes: ['src/index.css'],
    packages: [],
    followUp: { request: 'Nothing more', file: { path: 'src/unused.ts', content: '' } },
  };
}

/** Files named `name` under `dir`, at any depth (node_modules left out). */
function findFiles(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : findFiles(path, name);
    }
    return entry.name === name ? [path] : [];
  });
}

/** The image's natural width once it loaded (0 while it has not, or when it is broken). */
async function loadedWidth(where: Page | Frame, selector: string): Promise<number> {
  // A string: this file is compiled without the DOM's types.
  const script = `(async () => {
    const img = document.querySelector(${JSON.stringify(selector)});
    if (!img) return -1;
    if (!img.complete) await new Promise((done) => { img.onload = done; img.onerror = done; });
    return img.naturalWidth;
  })()`;
  return Number(await where.evaluate(script));
}

describe('a binary file written by the model (e2e)', () => {
  let session: WorkspaceBrowser | undefined;
  let stack: WebStack;
  let page: Page;
  let errors: ConsoleErrors;
  let png: Buffer;
  let work: string;
  const shots = new Screenshots('binary-files');

  beforeAll(async () => {
    png = realPng();
    const app = logoApp(png);
    session = await openWorkspaceBrowser({
      llm: () =>
        createScriptedLlmServer({
          handler: createReplayLlmHandler([app]),
          models: ['replay'],
          chunkSize: 500,
        }),
      runnerEnv: { LLM_MODEL_DESIGN: 'replay', LLM_MODEL_CODE: 'replay' },
    });
    ({ stack, page, errors } = session);
    work = mkdtempSync(join(tmpdir(), 'forge-binary-files-'));
  });

  afterAll(async () => {
    await session?.close();
    if (work) {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('reaches the sandbox, the code view, the preview and the zip byte for byte', async () => {
    await signUp(page, stack.url, 'Grace Hopper');
    await page.getByRole('textbox', { name: 'What do you want to build?' }).fill(REQUEST);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/project\/[0-9a-f-]{36}$/);
    const projectId = page.url().split('/').pop()!;

    const state = await finalState(page, GENERATION_TIMEOUT_MS);
    if (state !== 'Ready') {
      await shots.take(page, 'not-ready');
      throw new Error(`the generation ended ${state}: ${await shownErrors(page)}`);
    }

    // The sandbox holds the very bytes, and not the starter's stylesheet the model deleted.
    const written = findFiles(stack.sandboxRoot, 'logo192.png');
    expect(written).toHaveLength(1);
    expect(readFileSync(written[0]!)).toEqual(png);
    expect(existsSync(join(written[0]!, '..', '..', 'src', 'index.css'))).toBe(false);

    // The code view shows the image, at its own size, and its byte count.
    await page.getByRole('tab', { name: 'Code' }).click();
    await page.locator(`[role="treeitem"][data-path="${LOGO}"]`).click();
    const view = page.locator('forge-binary-file-view');
    await view.locator('img').waitFor();
    expect(await loadedWidth(page, 'forge-binary-file-view img')).toBe(192);
    await expect(view.textContent()).resolves.toContain(`${png.length} bytes`);
    await shots.take(page, 'code-view-image');

    // The preview renders it, served from the sandbox byte for byte.
    await page.getByRole('tab', { name: 'Preview' }).click();
    const preview = page.frameLocator('iframe[title="Preview of the app"]');
    await preview.getByText('The React logo').waitFor({ timeout: PREVIEW_TIMEOUT_MS });
    const frame = page.frames().find((f) => f.url().includes('.preview.localhost'));
    expect(frame).toBeDefined();
    expect(await loadedWidth(frame!, 'img[alt="React logo"]')).toBe(192);
    const served = String(
      await frame!.evaluate(`(async () => {
        const bytes = new Uint8Array(await (await fetch('/logo192.png')).arrayBuffer());
        let text = '';
        for (const byte of bytes) text += String.fromCharCode(byte);
        return btoa(text);
      })()`),
    );
    expect(Buffer.from(served, 'base64')).toEqual(png);
    await shots.take(page, 'preview-image');

    // The zip holds the same bytes, and not the deleted starter file.
    const response = await page.request.get(`${stack.url}/api/projects/${projectId}/download`);
    expect(response.status()).toBe(200);
    const zip = join(work, 'app.zip');
    writeFileSync(zip, await response.body());
    execFileSync('unzip', ['-q', zip, '-d', join(work, 'app')]);
    expect(readFileSync(join(work, 'app', LOGO))).toEqual(png);
    expect(existsSync(join(work, 'app', 'src', 'index.css'))).toBe(false);
    expect(existsSync(join(work, 'app', 'src', 'main.tsx'))).toBe(true);

    expect(errors.of(stack.url)).toEqual([]);
  });
});
