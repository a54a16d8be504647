// Run by bench/real-apps/real-apps-bench.mjs through jest (for the TypeScript helpers): per app
// of the corpus, with an instant replay model, the time from the last file written to the
// preview showing the app, and to Ready (checks done). Prints a table and a JSON line.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerEvent } from '@forge/protocol';
import { createReplayLlmHandler, createScriptedLlmServer } from '@forge/scripted-llm';
import { EventHub } from '../../apps/agent-runner/src/events/event-hub';
import {
  createProject,
  startRunnerTestApp,
} from '../../apps/agent-runner/src/testing/runner-test-app';
import { launchChromium } from '../e2e/support/browser';
import { E2E_TEMPLATE_CACHE } from '../e2e/support/web-stack';
import { createTestDatabase } from '../support/test-database';
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
  const timed: { at: number; event: ServerEvent }[] = [];
  const unsubscribe = runner.app.get(EventHub).subscribe((event) => {
    timed.push({ at: performance.now(), event });
  });
  const rows: { app: string; renderedMs: number; readyMs: number }[] = [];
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
        if (Date.now() > deadline) throw new Error(`${app.id}: no preview or Ready in time`);
        const events = mine();
        const fatal = events.find(({ event }) => event.type === 'error' && event.fatal);
        if (fatal) throw new Error(`${app.id}: ${JSON.stringify(fatal.event)}`);
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
          if (shown) rendered = performance.now();
        }
        const complete = events.find(({ event }) => event.type === 'generation_complete');
        if (complete) ready = complete.at;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const lastFile = mine()
        .filter(({ event }) => event.type === 'file_end')
        .at(-1)!.at;
      rows.push({
        app: app.id,
        renderedMs: Math.round(rendered - lastFile),
        readyMs: Math.round(ready - lastFile),
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
