import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import {
  createReplayLlmHandler,
  createScriptedLlmServer,
  type ReplayApp,
  type ScriptedLlmServer,
} from '@forge/scripted-llm';
import { phaseDependencies, projectSlug } from '../../apps/api/src/download/app-package-json';
import { archiveEntries } from '../../apps/api/src/download/project-archive';
import { readStarterTemplate } from '../../apps/api/src/download/starter-template';
import { writeZip } from '../../apps/api/src/download/zip-writer';
import {
  agentRow,
  createProject,
  type RunnerTestApp,
  savedProjectFiles,
  startRunnerTestApp,
} from '../../apps/agent-runner/src/testing/runner-test-app';
import { gotoShowing, launchChromium, SCREENSHOT_DIR } from '../e2e/support/browser';
import { E2E_TEMPLATE_CACHE } from '../e2e/support/web-stack';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type CorpusApp, loadCorpusApp, replayApp, selectedCorpus } from './corpus';
import {
  npmInstallAndRun,
  renderOriginal,
  type RenderedPage,
  shownStyles,
  styledTexts,
  settledText,
} from './original-app';

// Downloads, npm installs of the originals (cached) and of each zip, a first template install.
jest.setTimeout(900_000);

// REAL_APPS_ONLY=id,id runs some of the apps (see selectedCorpus).
const SELECTED = selectedCorpus(process.env.REAL_APPS_ONLY);

const GENERATION_TIMEOUT_MS = 240_000;
/** The generated previews as shown (the originals' are beside their rendering in the cache). */
const SCREENSHOTS = join(SCREENSHOT_DIR, '../real-apps');
const PREVIEW_TIMEOUT_MS = 60_000;

/** Resolves when the project's request number `request` ended: complete, or failed. */
async function requestEnded(runner: RunnerTestApp, projectId: string, request: number) {
  const deadline = Date.now() + GENERATION_TIMEOUT_MS;
  for (;;) {
    const events = runner.events.filter((event) => event.projectId === projectId);
    const completes = events.filter((event) => event.type === 'generation_complete').length;
    const fatal = events.find((event) => event.type === 'error' && event.fatal);
    if (fatal && fatal.type === 'error') {
      throw new Error(`the generation failed: ${fatal.message}`);
    }
    if (completes >= request) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`request ${request} did not end in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The project as the API's download builds it: the starter under the saved files. */
async function projectZip(db: TestDatabase, projectId: string): Promise<Buffer> {
  const { phases, deleted_paths: deletedPaths } = await agentRow(db, projectId);
  const entries = archiveEntries({
    starter: await readStarterTemplate(),
    generated: await savedProjectFiles(db, projectId),
    deletedPaths,
    name: 'Real app',
    slug: projectSlug('Real app'),
    dependencies: phaseDependencies(phases),
  });
  return writeZip(entries);
}

function newErrors(found: string[], original: RenderedPage): string[] {
  return found.filter((error) => !original.errors.includes(error));
}

describe('real apps from npm packages, replayed through Forge (e2e)', () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  let runner: RunnerTestApp;
  let browser: Browser;
  let work: string;
  const apps = new Map<string, { corpus: CorpusApp; replay: ReplayApp }>();

  beforeAll(async () => {
    for (const entry of SELECTED) {
      const corpus = loadCorpusApp(entry);
      apps.set(entry.id, { corpus, replay: replayApp(corpus) });
    }
    db = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'forge-real-apps-'));
    browser = await launchChromium();
    llm = await createScriptedLlmServer({
      handler: createReplayLlmHandler([...apps.values()].map((app) => app.replay)),
      models: ['replay'],
      chunkSize: 2_000,
    });
    mkdirSync(E2E_TEMPLATE_CACHE, { recursive: true });
    runner = await startRunnerTestApp(db, llm.url, {
      LLM_MODEL_DESIGN: 'replay',
      LLM_MODEL_CODE: 'replay',
      LLM_SILENCE_TIMEOUT_MS: '60000',
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: join(work, 'sandboxes'),
      SANDBOX_TEMPLATE_CACHE: E2E_TEMPLATE_CACHE,
      // One dev server started ahead (the default): the project's files stream into a running
      // Vite and its packages are installed after them, as in production.
      SANDBOX_POOL_SIZE: '1',
    });
  }, 900_000);

  afterAll(async () => {
    await runner?.close();
    await llm?.close();
    await browser?.close();
    await db?.drop();
    if (work) {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it.each(SELECTED.map((entry) => [entry.id]))(
    '%s: renders like the original, hot-reloads a follow-up, and its zip installs and builds',
    async (id) => {
      const { corpus, replay } = apps.get(id)!;
      const { followUp } = corpus.entry;
      const original = await renderOriginal(corpus, browser);
      expect(original.text).toContain(followUp.from);

      const projectId = await createProject(db, corpus.entry.title);
      await runner.supervisor.generate(projectId, replay.request);
      await requestEnded(runner, projectId, 1);
      if (corpus.entry.packages.length) {
        // The files streamed into the pooled Vite (running, or still starting) before their
        // packages were installed: it is restarted once, after the install.
        const logs = runner.events.flatMap((event) =>
          event.projectId === projectId && event.type === 'log' ? [event.text] : [],
        );
        expect(logs.filter((text) => text.includes('dev server restarted'))).toHaveLength(1);
      }
      const url = await runner.devServerUrl(projectId);

      // The preview shows the app's own text, with no error the original does not print.
      const context = await browser.newContext();
      const page: Page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') {
          errors.push(message.text());
        }
      });
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        try {
          await gotoShowing(page, url, followUp.from, errors, PREVIEW_TIMEOUT_MS);
        } catch (error) {
          // What the page showed instead, and what the dev server said: a timeout alone says
          // nothing of an overlay, a blank page or a Vite still optimising.
          const shown = await page
            .locator('body')
            .innerText({ timeout: 5_000 })
            .catch(() => '(nothing)');
          const logs = runner.events
            .flatMap((event) =>
              event.projectId === projectId && event.type === 'log' ? [event.text] : [],
            )
            .slice(-30)
            .join('\n');
          throw new Error(
            `the preview did not show "${followUp.from}"; the page shows ${JSON.stringify(shown.slice(0, 500))}; errors: ${JSON.stringify(errors)}; the sandbox's last log lines:\n${logs}`,
            { cause: error },
          );
        }
        const text = await settledText(page);
        for (const line of original.text.split('\n').filter((l) => l.trim())) {
          expect(text).toContain(line.trim());
        }
        expect(newErrors(errors, original)).toEqual([]);
        // Its stylesheets apply as in the original (global CSS, CSS modules, Tailwind, SCSS).
        expect(await shownStyles(page, styledTexts(corpus.entry))).toEqual(original.styles);
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, `${id}.png`), fullPage: true });

        // The follow-up changes the text in place: no reload (the page's own state survives).
        await page.evaluate('window.__forgeMarker = "kept"');
        await runner.supervisor.generate(projectId, replay.followUp.request);
        await page.getByText(followUp.to).first().waitFor({ timeout: GENERATION_TIMEOUT_MS });
        expect(await page.evaluate('window.__forgeMarker')).toBe('kept');
        await requestEnded(runner, projectId, 2);
        expect(newErrors(errors, original)).toEqual([]);
      } finally {
        await context.close();
      }

      // The download installs with plain npm and builds with the app's build script.
      const zipDir = join(work, `zip-${id}`);
      mkdirSync(zipDir, { recursive: true });
      writeFileSync(join(zipDir, 'app.zip'), await projectZip(db, projectId));
      const unzip = spawnSync('unzip', ['-q', 'app.zip'], { cwd: zipDir, encoding: 'utf8' });
      expect(unzip.status).toBe(0);
      rmSync(join(zipDir, 'app.zip'));
      // The app's images came as binary blocks and are in the zip byte for byte.
      for (const file of corpus.files.filter((f) => f.encoding === 'base64')) {
        expect({
          path: file.path,
          same: readFileSync(join(zipDir, file.path)).equals(Buffer.from(file.content, 'base64')),
        }).toEqual({ path: file.path, same: true });
      }
      npmInstallAndRun(zipDir, 'build');
    },
  );
});
