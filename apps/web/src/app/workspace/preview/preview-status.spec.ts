import { type ProblemItem } from '@forge/protocol/agent/events';
import { type LogEntry } from '../state/workspace-state';
import { testPhase, testView as view } from '../testing/project-views';
import {
  type LinkState,
  PREVIEW_LOG_TAIL_LINES,
  expectsRunningServer,
  FIX_REQUEST_LOG_MAX_CHARS,
  fixRequest,
  logTail,
  previewDisplay,
  problemOutputs,
  providerWait,
} from './preview-status';

const READY: LinkState = { status: 'ready', url: 'http://p.preview.localhost:3004/' };
const NONE: LinkState = { status: 'none' };

function log(stream: LogEntry['stream'], text: string, seq = 1): LogEntry {
  return { seq, stream, text };
}

describe(previewDisplay.name, () => {
  it('shows the app once there is a link, with the step the agent is on', () => {
    expect(
      previewDisplay({
        view: view({ state: 'COMPLETE' }),
        stoppedFrom: null,
        logs: [],
        link: READY,
      }),
    ).toEqual({
      kind: 'frame',
      busy: null,
    });
    expect(
      previewDisplay({
        view: view({ state: 'INSTALLING_DEPS' }),
        stoppedFrom: null,
        logs: [],
        link: READY,
      }),
    ).toEqual({ kind: 'frame', busy: 'Installing dependencies…' });
  });

  it('says what it waits for while installing or starting, with the latest output', () => {
    expect(
      previewDisplay({
        view: view({ state: 'INSTALLING_DEPS' }),
        stoppedFrom: null,
        logs: [log('install', 'resolving\nbun add zustand\n')],
        link: NONE,
      }),
    ).toEqual({ kind: 'waiting', title: 'Installing dependencies…', detail: 'bun add zustand' });
    expect(
      previewDisplay({
        view: view({ state: 'STARTING_SERVER' }),
        stoppedFrom: null,
        logs: [],
        link: NONE,
      }),
    ).toEqual({ kind: 'waiting', title: 'Starting the dev server…', detail: null });
  });

  it('says the checks run, not the start, once the dev server took the phase', () => {
    expect(
      previewDisplay({
        view: view({ state: 'STARTING_SERVER', checking: 1 }),
        stoppedFrom: null,
        logs: [],
        link: READY,
      }),
    ).toEqual({ kind: 'frame', busy: 'Checking the app…' });
  });

  it('shows a failed start with its message and output, even over a running app', () => {
    const failed = view({ error: { code: 'INTERNAL', message: 'Vite exited', phase: 2 } });
    expect(
      previewDisplay({
        view: failed,
        stoppedFrom: 'STARTING_SERVER',
        logs: [log('system', 'note'), log('dev', 'Error: Cannot find module x\n')],
        link: READY,
      }),
    ).toEqual({
      kind: 'failed',
      title: 'The app did not start',
      message: 'Vite exited',
      log: 'Error: Cannot find module x',
    });
  });

  it('tells an empty project from one whose server is not running', () => {
    expect(previewDisplay({ view: view(), stoppedFrom: null, logs: [], link: NONE })).toEqual({
      kind: 'empty',
    });
    expect(
      previewDisplay({
        view: view({ files: { 'a.ts': '' } }),
        stoppedFrom: null,
        logs: [],
        link: NONE,
      }),
    ).toEqual({ kind: 'not-running' });
    expect(
      previewDisplay({
        view: view(),
        stoppedFrom: null,
        logs: [],
        link: { status: 'not-running' },
      }),
    ).toEqual({ kind: 'not-running' });
  });

  it('passes on why the link could not be had', () => {
    expect(
      previewDisplay({
        view: view(),
        stoppedFrom: null,
        logs: [],
        link: { status: 'error', message: 'HTTP 500' },
      }),
    ).toEqual({ kind: 'error', message: 'HTTP 500' });
  });
});

describe(logTail.name, () => {
  it(`keeps the last ${PREVIEW_LOG_TAIL_LINES} lines of output`, () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const tail = logTail([log('dev', text)]).split('\n');
    expect(tail).toHaveLength(PREVIEW_LOG_TAIL_LINES);
    expect(tail.at(-1)).toBe('line 99');
  });

  it('falls back to system notes when there is no output', () => {
    expect(logTail([log('system', 'No sandbox')])).toBe('No sandbox');
  });
});

describe(expectsRunningServer.name, () => {
  const files = { 'src/App.tsx': 'export default () => null;\n' };

  it('expects a server once this page saw one start', () => {
    expect(expectsRunningServer(view(), 1)).toBe(true);
  });

  it('expects a server after a finished phase', () => {
    expect(expectsRunningServer(view({ files, phases: [testPhase(1)], version: 1 }), 0)).toBe(true);
    // The phase alone says it (a runner that sends no version).
    expect(expectsRunningServer(view({ files, phases: [testPhase(1)] }), 0)).toBe(true);
  });

  it('expects a server for an imported or remixed project at rest: version 1, no phase', () => {
    const imported = view({ state: 'IDLE', request: 0, files, version: 1 });
    expect(expectsRunningServer(imported, 0)).toBe(true);
  });

  it('expects a server while a follow-up of an imported project designs its first phase', () => {
    const designing = view({ state: 'DESIGNING_PHASE', request: 1, files, version: 1 });
    expect(expectsRunningServer(designing, 0)).toBe(true);
  });

  it('expects none mid-generation, files written but no version yet', () => {
    const implementing = view({
      state: 'IMPLEMENTING_PHASE',
      files,
      phases: [testPhase(1, { status: 'implementing' })],
    });
    expect(expectsRunningServer(implementing, 0)).toBe(false);
    expect(expectsRunningServer(view({ state: 'STARTING_SERVER', files }), 0)).toBe(false);
  });

  it('expects none after a first generation that failed before a phase was done', () => {
    const failed = view({
      state: 'IDLE',
      files,
      phases: [testPhase(1, { status: 'failed' })],
      error: { code: 'INSTALL_FAILED', message: 'bun install failed', phase: 1 },
    });
    expect(expectsRunningServer(failed, 0)).toBe(false);
  });

  it('expects none for a new project with nothing yet', () => {
    expect(expectsRunningServer(view(), 0)).toBe(false);
  });
});

describe(problemOutputs.name, () => {
  const tsc: ProblemItem = {
    tool: 'tsc',
    message: "Type 'string' is not assignable to type 'number'.",
    text: "src/App.tsx:3:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
    file: 'src/App.tsx',
    line: 3,
    column: 5,
    code: 'TS2322',
  };
  const runtime: ProblemItem = {
    tool: 'runtime',
    message: 'TypeError: x is undefined',
    text: 'error: TypeError: x is undefined\n  at src/App.tsx:4:1',
  };

  it('gives the current checks and browser errors each under its own title, counted', () => {
    expect(problemOutputs({ checks: [tsc, { ...tsc, line: 9 }], browser: [runtime] })).toEqual([
      {
        source: 'checks',
        title: 'Type-check and build',
        text: `${tsc.text}\n${tsc.text}`,
        count: 2,
      },
      { source: 'browser', title: 'Errors in the browser', text: runtime.text, count: 1 },
    ]);
  });

  it('shows nothing once the runner says the errors are gone', () => {
    expect(problemOutputs({ checks: [], browser: [] })).toEqual([]);
    expect(problemOutputs({ checks: [], browser: [runtime] }).map((p) => p.source)).toEqual([
      'browser',
    ]);
  });
});

describe('fixRequest', () => {
  it('says what went wrong and quotes the end of a long log', () => {
    const log = `${'early line\n'.repeat(2_000)}TypeError: items.map is not a function`;
    const request = fixRequest('The dev server did not start.', log);
    expect(request.startsWith('The dev server did not start. Fix it')).toBe(true);
    expect(request).toContain('TypeError: items.map is not a function');
    expect(request.length).toBeLessThan(FIX_REQUEST_LOG_MAX_CHARS + 200);
  });
});

describe(providerWait.name, () => {
  const waiting = log(
    'system',
    'Waiting for the provider, 60 s, as it asked (Retry-After): rate limited by the LLM provider (429); then asking again (retry 1)',
    7,
  );

  it('shows the provider’s wait while it is the latest event of a busy project', () => {
    const busy = view({ state: 'DESIGNING_PHASE', seq: 7 });
    expect(providerWait(busy, [waiting])).toBe('Waiting for the provider, 60 s…');
    expect(previewDisplay({ view: busy, stoppedFrom: null, logs: [waiting], link: READY })).toEqual(
      { kind: 'frame', busy: 'Waiting for the provider, 60 s…' },
    );
  });

  it('drops it once anything happened after it, or the project is no longer busy', () => {
    expect(providerWait(view({ state: 'DESIGNING_PHASE', seq: 8 }), [waiting])).toBeNull();
    expect(providerWait(view({ state: 'IDLE', seq: 7 }), [waiting])).toBeNull();
    expect(
      providerWait(view({ state: 'IMPLEMENTING_PHASE', seq: 7 }), [log('system', 'other', 7)]),
    ).toBeNull();
  });
});
