import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PhaseInfo } from '@forge/protocol';
import { type ScriptedReply } from '@forge/scripted-llm';
import {
  processSandboxes,
  type ProcessSandboxes,
} from '../../../../test/support/process-sandboxes';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import {
  agentRow,
  type RunnerTestApp,
  savedFiles,
  waitForEvent,
  withScriptedRunner,
} from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';

// Preparing the template, a cold Vite start and tsc + vite build after each phase take a while.
jest.setTimeout(300_000);

const app = (body: string) => ({
  'src/App.tsx': `export default function App() {\n${body}\n}\n`,
});
const GOOD = app('  const count: number = 3;\n  return <h1>Counted {count}</h1>;');
/** TS2322: a string where a number goes. */
const BAD = app("  const count: number = 'three';\n  return <h1>Counted {count}</h1>;");
/** Another TS2322, with another message: a number where a string goes. */
const OTHER_BAD = app('  const label: string = 3;\n  return <h1>Counted {label}</h1>;');

/** The starter's own manifest, which an edit extends. */
const PACKAGE_JSON = readFileSync(
  join(__dirname, '../../../../libs/sandbox/template/package.json'),
  'utf8',
);

/** The starter's own config, as a fix would restore it. */
const VITE_CONFIG = readFileSync(
  join(__dirname, '../../../../libs/sandbox/template/vite.config.ts'),
  'utf8',
);

interface Scenario {
  replies: ScriptedReply[];
  env?: Record<string, string>;
}

describe('automatic fixes and rollback in a process sandbox (e2e)', () => {
  let db: TestDatabase;
  let sandboxes: ProcessSandboxes;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandboxes = processSandboxes('forge-fix-');
  });
  afterAll(async () => {
    await db?.drop();
    sandboxes?.remove();
  });

  /** One runner with a process sandbox per test, sharing the prepared template. */
  async function withRunner(
    scenario: Scenario,
    test: (
      runner: RunnerTestApp,
      llm: { requests: readonly { messages: unknown[] }[] },
      projectId: string,
    ) => Promise<void>,
  ) {
    await withScriptedRunner(
      db,
      {
        replies: scenario.replies,
        chunkSize: 64,
        env: {
          ...sandboxes.env,
          AGENT_RUNTIME_ERROR_WAIT_MS: '0',
          LLM_SILENCE_TIMEOUT_MS: '60000',
          ...scenario.env,
        },
      },
      test,
    );
  }

  const phasesOf = async (projectId: string) =>
    (await agentRow(db, projectId)).phases as PhaseInfo[];
  const complete = (runner: RunnerTestApp, projectId: string) =>
    waitForEvent(runner.events, projectId, 'generation_complete', undefined, 240_000);

  /** Starts generating the counter app; answers where its dev server listens once started. */
  async function startCounter(runner: RunnerTestApp, projectId: string) {
    await runner.supervisor.generate(projectId, 'A counter');
    await waitForEvent(runner.events, projectId, 'server_started', undefined, 240_000);
    return { url: await runner.devServerUrl(projectId) };
  }

  /**
   * Generates the counter app and waits for the end; answers a reader of what the dev server
   * serves for App.tsx once its watcher has content with `text` (whatever the status).
   */
  async function generateCounter(runner: RunnerTestApp, projectId: string) {
    const started = await startCounter(runner, projectId);
    await complete(runner, projectId);
    await runner.supervisor.settled(projectId);
    return async (text: string): Promise<{ status: number; body: string }> => {
      let [status, body] = [0, ''];
      for (let tries = 0; tries < 100 && !body.includes(text); tries++) {
        if (tries) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const response = await fetch(new URL('/src/App.tsx', started.url));
        [status, body] = [response.status, await response.text()];
      }
      return { status, body };
    };
  }

  it('mends a phase that leaves a type error with one fix phase', async () => {
    await withRunner(
      { replies: [designAnswer(['src/App.tsx']), scofAnswer(BAD), scofAnswer(GOOD)] },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A counter');
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        expect(await savedFiles(db, projectId)).toEqual(GOOD);
        const phases = await phasesOf(projectId);
        expect(phases.map((p) => [p.number, p.kind ?? 'phase', p.status])).toEqual([
          [1, 'phase', 'done'],
          [2, 'fix', 'done'],
        ]);
        expect(phases[1]!.lastPhase).toBe(true);
        expect(phases[1]!.files.map((f) => f.path)).toEqual(['src/App.tsx']);
        // The fix phase's code request carries the compiler's words and the file in full.
        const fixRequest = llm.requests[2]!.messages.map((m) =>
          String((m as { content: unknown }).content),
        ).join('\n');
        expect(fixRequest).toContain(
          "error TS2322: Type 'string' is not assignable to type 'number'.",
        );
        expect(fixRequest).toContain("const count: number = 'three';");

        const events = runner.events.filter((e) => e.projectId === projectId);
        const check = events.find((e) => e.type === 'log' && e.stream === 'check');
        expect(check).toMatchObject({ text: expect.stringContaining('Type errors (tsc)') });
        const versions = events.flatMap((e) => (e.type === 'version_created' ? [e.reason] : []));
        expect(versions).toEqual(['phase', 'fix']);
        expect(events.some((e) => e.type === 'error')).toBe(false);
      },
    );
  });

  it('stops when a fix leaves the same error, and tells the user with the log', async () => {
    await withRunner(
      { replies: [designAnswer(['src/App.tsx']), scofAnswer(BAD), scofAnswer(BAD)] },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A counter');
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        expect(llm.requests).toHaveLength(3);
        expect((await phasesOf(projectId)).map((p) => p.kind ?? 'phase')).toEqual(['phase', 'fix']);
        expect((await agentRow(db, projectId)).state).toBe('COMPLETE');
        const events = runner.events.filter((e) => e.projectId === projectId);
        const error = events.find((e) => e.type === 'error');
        expect(error).toMatchObject({ code: 'ERROR_REPEATED', fatal: false, phase: 2 });
        const told = events.find(
          (e) => e.type === 'message' && e.content.includes('not trying to fix again'),
        );
        expect(told).toMatchObject({ role: 'assistant' });
        expect(told && 'content' in told && told.content).toContain('error TS2322');
      },
    );
  });

  it('stops at AGENT_FIX_MAX_ATTEMPTS when each fix leaves another error', async () => {
    await withRunner(
      {
        replies: [designAnswer(['src/App.tsx']), scofAnswer(BAD), scofAnswer(OTHER_BAD)],
        env: { AGENT_FIX_MAX_ATTEMPTS: '1' },
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A counter');
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        expect(llm.requests).toHaveLength(3);
        const error = runner.events.find((e) => e.projectId === projectId && e.type === 'error');
        expect(error).toMatchObject({ code: 'FIX_ATTEMPTS_EXHAUSTED' });
        expect(error && 'message' in error && error.message).toContain('AGENT_FIX_MAX_ATTEMPTS');
        expect(await savedFiles(db, projectId)).toEqual(OTHER_BAD);
      },
    );
  });

  it('mends a phase after which the dev server does not start', async () => {
    await withRunner(
      {
        replies: [
          designAnswer(['vite.config.ts']),
          scofAnswer({ 'vite.config.ts': 'export default {\n  plugins: [\n' }),
          scofAnswer({ 'vite.config.ts': VITE_CONFIG }),
        ],
        env: { AGENT_CHECK_TSC: 'false', AGENT_CHECK_BUILD: 'false' },
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'Configure the dev server');
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        const phases = await phasesOf(projectId);
        expect(phases.map((p) => [p.kind ?? 'phase', p.status])).toEqual([
          ['phase', 'done'],
          ['fix', 'done'],
        ]);
        expect(phases[1]!.files.map((f) => f.path)).toEqual(['vite.config.ts']);
        expect(phases[1]!.description).toContain('The dev server did not start');
        const events = runner.events.filter((e) => e.projectId === projectId);
        expect(events.filter((e) => e.type === 'server_started')).toHaveLength(1);
        expect(events.some((e) => e.type === 'error' && e.fatal)).toBe(false);
        expect(llm.requests).toHaveLength(3);
      },
    );
  });

  it('fixes an error the preview reported from the browser', async () => {
    await withRunner(
      {
        replies: [designAnswer(['src/App.tsx']), scofAnswer(GOOD), scofAnswer(GOOD)],
        env: { AGENT_RUNTIME_ERROR_WAIT_MS: '4000', AGENT_CHECK_BUILD: 'false' },
      },
      async (runner, llm, projectId) => {
        const started = await startCounter(runner, projectId);
        await runner.supervisor.runtimeErrors(projectId, [
          {
            kind: 'error',
            message: 'Uncaught TypeError: items.map is not a function',
            source: `${started.url}src/App.tsx:2:9`,
            // The preview's load on server_started, as the workspace makes it.
            pageAgeMs: 0,
            loadId: 'fresh-load',
          },
        ]);
        // From a page open since before the phase: hot-reloaded through it, not counted.
        await runner.supervisor.runtimeErrors(projectId, [
          {
            kind: 'console.error',
            message: 'Rendered more hooks than during the previous render.',
            pageAgeMs: 600_000,
            loadId: 'old-load',
          },
        ]);
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        const shown = runner.events.filter(
          (e) => e.projectId === projectId && e.type === 'problems' && e.source === 'browser',
        );
        expect(shown[0]).toMatchObject({
          problems: [
            { tool: 'runtime', message: 'Uncaught TypeError: items.map is not a function' },
          ],
        });
        // The fix wrote new code: the errors of the old code are gone from the workspace.
        expect(shown.at(-1)).toMatchObject({ problems: [] });
        const fix = (await phasesOf(projectId))[1]!;
        expect(fix).toMatchObject({ kind: 'fix', files: [{ path: 'src/App.tsx' }] });
        expect(fix.description).toContain('Errors in the browser');
        expect(fix.description).toContain('items.map is not a function');
        expect(fix.description).not.toContain('Rendered more hooks');
        expect(llm.requests).toHaveLength(3);
      },
    );
  });

  it('says an import whose letter case differs from the file is exactly that', async () => {
    const button = 'export default function Button() {\n  return <button>Go</button>;\n}\n';
    const importing = (from: string) => ({
      'src/App.tsx': `import Button from '${from}';\n\nexport default function App() {\n  return <Button />;\n}\n`,
      'src/components/Button.tsx': button,
    });
    await withRunner(
      {
        replies: [
          designAnswer(['src/App.tsx', 'src/components/Button.tsx']),
          scofAnswer(importing('./components/button')),
          scofAnswer(importing('./components/Button')),
        ],
      },
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A button');
        await complete(runner, projectId);
        await runner.supervisor.settled(projectId);

        const fix = (await phasesOf(projectId))[1]!;
        expect(fix).toMatchObject({ kind: 'fix', files: [{ path: 'src/App.tsx' }] });
        expect(fix.description).toContain(
          'src/App.tsx imports "./components/button", but the file is src/components/Button.tsx: the letter case differs',
        );
        const checks = runner.events.filter(
          (e) => e.projectId === projectId && e.type === 'problems' && e.source === 'checks',
        );
        const first = checks[0]!.type === 'problems' ? checks[0]!.problems : [];
        expect(first.length).toBeGreaterThan(0);
        for (const problem of first) {
          expect(problem).toMatchObject({ code: 'IMPORT_CASE_MISMATCH', file: 'src/App.tsx' });
        }
        // The fix's checks pass: the workspace shows no error.
        expect(checks.at(-1)).toMatchObject({ problems: [] });
        expect(await savedFiles(db, projectId)).toEqual(importing('./components/Button'));
      },
    );
  });

  it('rolls the files and the preview back to an earlier version', async () => {
    await withRunner(
      { replies: [designAnswer(['src/App.tsx']), scofAnswer(GOOD)] },
      async (runner, _llm, projectId) => {
        const served = await generateCounter(runner, projectId);
        expect((await served('Counted')).body).toContain('Counted');

        const edited = GOOD['src/App.tsx'].replace('Counted', 'Tallied');
        expect(await runner.supervisor.saveFile(projectId, 'src/App.tsx', edited)).toBe(2);
        expect((await served('Tallied')).body).toContain('Tallied');

        expect(await runner.supervisor.rollback(projectId, 1)).toBe(3);
        expect(await savedFiles(db, projectId)).toEqual(GOOD);
        const page = (await served('Counted')).body;
        expect(page).toContain('Counted');
        expect(page).not.toContain('Tallied');
      },
    );
  });

  it('installs what package.json lists when an edit changes it', async () => {
    await withRunner(
      { replies: [designAnswer(['src/App.tsx']), scofAnswer(GOOD)] },
      async (runner, _llm, projectId) => {
        const served = await generateCounter(runner, projectId);

        // A local package (no network), then the manifest that depends on it.
        await runner.supervisor.saveFile(
          projectId,
          'vendor/greet/package.json',
          JSON.stringify({ name: 'greet', version: '1.0.0', main: 'index.js' }),
        );
        await runner.supervisor.saveFile(
          projectId,
          'vendor/greet/index.js',
          "module.exports = 'Hello from greet';\n",
        );
        const manifest = JSON.parse(PACKAGE_JSON) as { dependencies: Record<string, string> };
        manifest.dependencies.greet = 'file:./vendor/greet';
        const before = runner.events.length;
        await runner.supervisor.saveFile(
          projectId,
          'package.json',
          JSON.stringify(manifest, null, 2),
        );
        const logs = runner.events
          .slice(before)
          .flatMap((e) => (e.projectId === projectId && e.type === 'log' ? [e] : []));
        expect(logs[0]).toMatchObject({
          stream: 'system',
          text: expect.stringContaining('installing'),
        });
        expect(logs.some((log) => log.text.startsWith('Saved, but'))).toBe(false);

        // The preview resolves the package: Vite answers the module that imports it.
        const importing = `import greeting from 'greet';\nexport default function App() {\n  return <h1>{greeting}</h1>;\n}\n`;
        await runner.supervisor.saveFile(projectId, 'src/App.tsx', importing);
        const imported = await served('greeting');
        expect(imported.status).toBe(200);
        expect(imported.body).not.toContain('Failed to resolve import');

        // Back to before the manifest's edit: the starter's package.json, installed again.
        const rolledBack = runner.events.length;
        await runner.supervisor.rollback(projectId, 3);
        const sandbox = await runner.app.get(SandboxSessions).open(projectId);
        expect(await sandbox!.readFile('package.json')).toBe(PACKAGE_JSON);
        expect(runner.events.slice(rolledBack)).toContainEqual(
          expect.objectContaining({ type: 'log', text: expect.stringContaining('installing') }),
        );
        expect((await served('Counted')).body).toContain('Counted');
      },
    );
  });
});
