// Run by bench/real-apps/real-apps-bench.mjs through jest (for the TypeScript helpers): per app
// of the corpus, with an instant replay model, the time from the last file written to the
// preview showing the app, and to Ready (checks done), and where that time went (install,
// dev-server restart, Vite's dependency optimisation, first render, type-check, build). Prints
// tables and a JSON line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReplayLlmHandler, createScriptedLlmServer } from '@forge/scripted-llm';
import { EventHub } from '../../apps/agent-runner/src/events/event-hub';
import {
  createProject,
  startRunnerTestApp,
} from '../../apps/agent-runner/src/testing/runner-test-app';
import { launchChromium } from '../e2e/support/browser';
import { E2E_TEMPLATE_CACHE } from '../e2e/support/web-stack';
import { SandboxSessions } from '../../apps/agent-runner/src/sandbox/sandbox-sessions';
import { createTestDatabase } from '../support/test-database';
import {
  type Breakdown,
  breakdown,
  breakdownTable,
  lastFileWritten,
  type TimedEvent,
} from './bench-breakdown';
import { loadCorpusApp, replayApp, selectedCorpus } from './corpus';

jest.setTimeout(900_000);

const TIMEOUT_MS = 240_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

it('measures last file written → preview rendered and → Ready', async () => {
  // REAL_APPS_ONLY=id,id measures some of the apps.
  const corpus = selectedCorpus(process.env.REAL_APPS_ONLY);
  const apps = corpus.map((entry) => replayApp(loadCorpusApp(entry)));
  const db = await createTestDatabase();
  const work = mkdtempSync(join(tmpdir(), 'forge-real-apps-bench-'));
  const llm = await createScriptedLlmServer({
    handler: createReplayLlmHandler(apps),
    models: ['replay'],
    chunkSize: 64_000,
  });
  mkdirSync(E2E_TEMPLATE_CACHE, { recursive: true });
  const runner = await startRunnerTestApp(db, llm.url, {
    LLM_MODEL_DESIGN: 'replay',
    LLM_MODEL_CODE: 'replay',
    SANDBOX_PROVIDER: 'process',
    SANDBOX_ROOT: join(work, 'sandboxes'),
    SANDBOX_TEMPLATE_CACHE: E2E_TEMPLATE_CACHE,
    SANDBOX_POOL_SIZE: '1',
  });
  const browser = await launchChromium();
  const timed: TimedEvent[] = [];
  const unsubscribe = runner.app.get(EventHub).subscribe((event) => {
    timed.push({ at: Date.now(), event });
  });
  const rows: { app: string; renderedMs: number; readyMs: number; breakdown: Breakdown }[] = [];
  try {
    for (const [index, app] of apps.entries()) {
      const entry = corpus[index]!;
      const projectId = await createProject(db, app.title);
      const mine = () => timed.filter(({ event }) => event.projectId === projectId);
      await runner.supervisor.generate(projectId, app.request);
      const context = await browser.newContext();
      const page = await context.newPage();
      const deadline = Date.now() + TIMEOUT_MS;
      let rendered: number | undefined;
      let ready: number | undefined;
      let opened = false;
      while (rendered === undefined || ready === undefined) {
        if (Date.now() > deadline) {
          const seen = mine().map(({ event }) => event.type);
          const text = await page
            .locator('body')
            .innerText({ timeout: 1000 })
            .catch(() => '');
          throw new Error(
            `${app.id}: ${rendered === undefined ? 'no preview' : 'preview'}, ${ready === undefined ? 'no Ready' : 'Ready'} in ${TIMEOUT_MS} ms; events ${seen.join(' ')}; page ${JSON.stringify(text.slice(0, 500))}`,
          );
        }
        const events = mine();
        const fatal = events.find(({ event }) => event.type === 'error' && event.fatal);
        if (fatal) {
          throw new Error(`${app.id}: ${JSON.stringify(fatal.event)}`);
        }
        const started = events.find(({ event }) => event.type === 'server_started');
        if (started && !opened) {
          opened = true;
          void runner
            .devServerUrl(projectId)
            .then((url) => page.goto(url))
            .catch(() => undefined);
        }
        if (opened && rendered === undefined) {
          const shown = await page
            .getByText(entry.followUp.from)
            .first()
            .isVisible()
            .catch(() => false);
          if (shown) {
            rendered = Date.now();
          }
        }
        const complete = events.find(({ event }) => event.type === 'generation_complete');
        if (complete) {
          ready = complete.at;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const lastFile = lastFileWritten(mine());
      const sandbox = await runner.app.get(SandboxSessions).open(projectId);
      rows.push({
        app: app.id,
        renderedMs: Math.round(rendered - lastFile),
        readyMs: Math.round(ready - lastFile),
        breakdown: breakdown(mine(), sandbox?.logs(0) ?? [], rendered),
      });
      await context.close();
    }
  } finally {
    unsubscribe();
    await browser.close();
    await runner.close();
    await llm.close();
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    [
      'app                      last file → preview rendered   last file → Ready',
      ...rows.map(
        (row) =>
          `${row.app.padEnd(25)}${`${row.renderedMs} ms`.padStart(26)}${`${row.readyMs} ms`.padStart(20)}`,
      ),
      `${'median'.padEnd(25)}${`${median(rows.map((r) => r.renderedMs))} ms`.padStart(26)}${`${median(rows.map((r) => r.readyMs))} ms`.padStart(20)}`,
    ].join('\n'),
  );
  console.log(`Where the time went (from the last file written):\n${breakdownTable(rows)}`);
  console.log(
    JSON.stringify({
      bench: 'real-apps',
      apps: rows,
      medianRenderedMs: median(rows.map((r) => r.renderedMs)),
      medianReadyMs: median(rows.map((r) => r.readyMs)),
    }),
  );
  expect(rows).toHaveLength(apps.length);
});
