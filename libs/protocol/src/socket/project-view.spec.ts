import { type PhaseInfo } from '../agent/agent-state';
import { type ServerEvent, type UnsequencedEvent } from '../agent/events';
import { type ProjectSnapshot } from './project-snapshot';
import {
  applyEvent,
  nextChecking,
  nextStreaming,
  type ProjectView,
  viewFromSnapshot,
} from './project-view';

const PROJECT = '11111111-1111-4111-8111-111111111111';

function phase(number: number): PhaseInfo {
  return {
    number,
    request: 1,
    name: `Phase ${number}`,
    description: 'd',
    files: [{ path: `src/p${number}.ts`, purpose: 'p' }],
    dependencies: [],
    lastPhase: number === 2,
    status: 'designed',
  };
}

function numbered(events: UnsequencedEvent[], from = 1): ServerEvent[] {
  return events.map((event, i) => ({ ...event, projectId: PROJECT, seq: from + i }) as ServerEvent);
}

function message(id: string, at: string, content: string): UnsequencedEvent {
  return { type: 'message', id, role: 'assistant', content, createdAt: at };
}

/** The version the agent records once phase `number` is done. */
function version(number: number): UnsequencedEvent {
  const label = `Phase ${number}: Phase ${number}`;
  return { type: 'version_created', number, label, reason: 'phase', createdAt: '2026-01-01' };
}

/** A two-phase generation as the agent emits it. */
const GENERATION = numbered([
  message('m1', '2026-01-01T00:00:00.000Z', 'A todo list'),
  { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE', request: 1 },
  { type: 'phase_designing', phase: 1 },
  { type: 'state_change', state: 'IMPLEMENTING_PHASE', previous: 'DESIGNING_PHASE' },
  { type: 'blueprint', blueprint: { title: 'T', summary: 'S', views: [], roadmap: [] } },
  { type: 'phase_designed', phase: phase(1) },
  { type: 'file_start', path: 'src/p1.ts', phase: 1 },
  { type: 'file_chunk', path: 'src/p1.ts', chunk: 'export const a' },
  { type: 'file_chunk', path: 'src/p1.ts', chunk: ' = 1;\n' },
  { type: 'file_end', path: 'src/p1.ts', content: 'export const a = 1;\n', phase: 1 },
  { type: 'file_start', path: 'public/icon.png', phase: 1, encoding: 'base64' },
  { type: 'file_end', path: 'public/icon.png', content: 'AAEC', phase: 1, encoding: 'base64' },
  { type: 'file_start', path: 'public/old.png', phase: 1, encoding: 'base64' },
  { type: 'file_end', path: 'public/old.png', content: 'AAEC', phase: 1, encoding: 'base64' },
  { type: 'state_change', state: 'INSTALLING_DEPS', previous: 'IMPLEMENTING_PHASE' },
  { type: 'files_written', phase: 1, paths: ['src/p1.ts'] },
  { type: 'deps_installed', packages: ['zustand'] },
  { type: 'state_change', state: 'STARTING_SERVER', previous: 'INSTALLING_DEPS' },
  { type: 'server_started', phase: 1 },
  { type: 'checking', phase: 1 },
  version(1),
  { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'STARTING_SERVER' },
  { type: 'phase_designing', phase: 2 },
  { type: 'state_change', state: 'IMPLEMENTING_PHASE', previous: 'DESIGNING_PHASE' },
  { type: 'phase_designed', phase: phase(2) },
  { type: 'file_start', path: 'src/p2.ts', phase: 2 },
  { type: 'file_chunk', path: 'src/p2.ts', chunk: 'export const b = 2;\n' },
  { type: 'error', code: 'SCOF_BAD', message: 'a refused block', phase: 2, fatal: false },
  { type: 'file_end', path: 'src/p2.ts', content: 'export const b = 2;\n', phase: 2 },
  { type: 'file_deleted', path: 'src/p1.ts', phase: 2 },
  // The binary icon becomes a text file; the old image goes; a new image comes.
  { type: 'file_end', path: 'public/icon.png', content: '<svg/>', phase: 2 },
  { type: 'file_deleted', path: 'public/old.png', phase: 2 },
  { type: 'file_end', path: 'public/logo.png', content: 'iVBORw==', phase: 2, encoding: 'base64' },
  { type: 'log', stream: 'system', text: 'no sandbox' },
  { type: 'state_change', state: 'INSTALLING_DEPS', previous: 'IMPLEMENTING_PHASE' },
  { type: 'files_written', phase: 2, paths: ['src/p2.ts'] },
  { type: 'deps_installed', packages: [] },
  { type: 'state_change', state: 'STARTING_SERVER', previous: 'INSTALLING_DEPS' },
  { type: 'checking', phase: 2 },
  version(2),
  { type: 'state_change', state: 'COMPLETE', previous: 'STARTING_SERVER' },
  {
    type: 'generation_complete',
    files: ['src/p2.ts'],
    phases: 2,
    added: ['src/p2.ts'],
    changed: [],
    removed: [],
  },
  message('m2', '2026-01-01T00:00:09.000Z', 'Done'),
]);

const EMPTY: ProjectSnapshot = {
  projectId: PROJECT,
  seq: 0,
  state: 'IDLE',
  blueprint: null,
  phases: [],
  currentPhase: 0,
  error: null,
  files: [],
  streaming: null,
  messages: [],
  messagesTruncated: false,
};

/** The snapshot a runner would serve of the project as `view` shows it. */
function snapshotOf(view: ProjectView): ProjectSnapshot {
  return {
    ...EMPTY,
    ...view,
    files: Object.entries(view.files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, content]) =>
        view.encodings[path]
          ? { path, content, encoding: view.encodings[path] }
          : { path, content },
      ),
  };
}

const replay = (view: ProjectView, events: ServerEvent[]) => events.reduce(applyEvent, view);

describe(applyEvent.name, () => {
  const watched = replay(viewFromSnapshot(EMPTY), GENERATION);

  it('builds the end state of a generation from its events', () => {
    expect(watched).toMatchObject({
      seq: GENERATION.length,
      state: 'COMPLETE',
      currentPhase: 2,
      request: 1,
      version: 2,
      checking: null,
      error: null,
      files: {
        'src/p2.ts': 'export const b = 2;\n',
        'public/icon.png': '<svg/>',
        'public/logo.png': 'iVBORw==',
      },
      encodings: { 'public/logo.png': 'base64' },
      streaming: null,
    });
    expect(watched.phases.map((p) => [p.number, p.status, p.dependencies])).toEqual([
      [1, 'done', ['zustand']],
      [2, 'done', []],
    ]);
    expect(watched.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });

  it('ends the same from a snapshot taken after any event', () => {
    for (let cut = 0; cut <= GENERATION.length; cut++) {
      const atCut = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, cut));
      expect(atCut.seq).toBe(cut);
      const resumed = replay(viewFromSnapshot(snapshotOf(atCut)), GENERATION.slice(cut));
      expect(resumed).toEqual(watched);
    }
  });

  it('ignores events it already has, and other projects’ events', () => {
    const twice = replay(watched, GENERATION);
    expect(twice).toBe(watched);
    const other = { ...GENERATION[1]!, projectId: 'other', seq: 999 } as ServerEvent;
    expect(applyEvent(watched, other)).toBe(watched);
  });

  it('keeps a fatal error with its failed phase until the next generation starts', () => {
    const failed = replay(
      watched,
      numbered(
        [
          { type: 'state_change', state: 'IDLE', previous: 'IMPLEMENTING_PHASE' },
          { type: 'error', code: 'LLM_DOWN', message: 'gone', phase: 2, fatal: true },
        ],
        100,
      ),
    );
    expect(failed.error).toEqual({ code: 'LLM_DOWN', message: 'gone', phase: 2 });
    expect(failed.phases.find((p) => p.number === 2)?.status).toBe('failed');
    const retried = applyEvent(
      failed,
      numbered([{ type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' }], 200)[0]!,
    );
    expect(retried.error).toBeNull();
  });

  it('leaves a phase as it was when the generation is cancelled in its server step', () => {
    const cut = GENERATION.findIndex(
      (event) => event.type === 'state_change' && event.state === 'STARTING_SERVER',
    );
    const starting = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, cut + 1));
    const cancelled = applyEvent(
      starting,
      numbered([{ type: 'state_change', state: 'IDLE', previous: 'STARTING_SERVER' }], 100)[0]!,
    );
    expect(cancelled.phases.find((p) => p.number === 1)?.status).toBe('implementing');
    expect(cancelled).toMatchObject({ state: 'IDLE', error: null, streaming: null });
  });

  it('converges from a snapshot whose rows are ahead of its seq', () => {
    // The agent writes before it emits: rows may already hold what the next events say.
    const cut = GENERATION.findIndex((event) => event.type === 'file_end');
    const rowsAhead = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, cut + 3));
    const streamedAtCut = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, cut)).streaming;
    const snapshot = { ...snapshotOf(rowsAhead), seq: cut, streaming: streamedAtCut };
    expect(replay(viewFromSnapshot(snapshot), GENERATION.slice(cut))).toEqual(watched);
  });
});

describe(viewFromSnapshot.name, () => {
  it('takes the latest version from the snapshot, none when it says none', () => {
    expect(viewFromSnapshot({ ...EMPTY, version: 1 }).version).toBe(1);
    expect(viewFromSnapshot(EMPTY).version).toBe(0);
  });

  it('keeps messages the client had beyond the snapshot’s latest ones, once each', () => {
    const before = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, 1));
    const later = {
      ...EMPTY,
      seq: 50,
      messages: [
        {
          id: 'm2',
          role: 'assistant' as const,
          content: 'Done',
          createdAt: '2026-01-01T00:00:09.000Z',
        },
      ],
      messagesTruncated: true,
    };
    expect(viewFromSnapshot(later, before).messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(viewFromSnapshot(later).messages.map((m) => m.id)).toEqual(['m2']);
  });
});

describe(nextStreaming.name, () => {
  const [start, chunk] = [
    numbered([{ type: 'file_start', path: 'a.ts', phase: 1 }])[0]!,
    numbered([{ type: 'file_chunk', path: 'a.ts', chunk: 'x' }])[0]!,
  ];

  it('starts a file empty, appends its chunks, and ends it', () => {
    const started = nextStreaming({ path: 'old.ts', content: 'stale' }, start);
    expect(started).toEqual({ path: 'a.ts', content: '' });
    expect(nextStreaming(nextStreaming(started, chunk), chunk)).toEqual({
      path: 'a.ts',
      content: 'xx',
    });
    const end = numbered([{ type: 'file_end', path: 'a.ts', content: 'xx', phase: 1 }])[0]!;
    expect(nextStreaming({ path: 'a.ts', content: 'xx' }, end)).toBeNull();
  });

  it('ignores chunks of another file and drops the file when the phase is left', () => {
    const other = numbered([{ type: 'file_chunk', path: 'b.ts', chunk: 'y' }])[0]!;
    expect(nextStreaming({ path: 'a.ts', content: '' }, other)).toEqual({
      path: 'a.ts',
      content: '',
    });
    expect(nextStreaming(null, chunk)).toBeNull();
    const stopped = numbered([
      { type: 'state_change', state: 'IDLE', previous: 'IMPLEMENTING_PHASE' },
    ])[0]!;
    expect(nextStreaming({ path: 'a.ts', content: 'x' }, stopped)).toBeNull();
  });
});

describe(nextChecking.name, () => {
  it('holds the checked phase from its checking event to the next state change', () => {
    const [checking, log, moved] = numbered([
      { type: 'checking', phase: 3 },
      { type: 'log', stream: 'check', text: 'x' },
      { type: 'state_change', state: 'IMPLEMENTING_PHASE', previous: 'STARTING_SERVER' },
    ]);
    expect(nextChecking(null, checking!)).toBe(3);
    expect(nextChecking(3, log!)).toBe(3);
    expect(nextChecking(3, moved!)).toBeNull();
  });

  it('is seen by a view while the checks run, and the request number with it', () => {
    const cut = GENERATION.findIndex((event) => event.type === 'checking');
    const view = replay(viewFromSnapshot(EMPTY), GENERATION.slice(0, cut + 1));
    expect(view).toMatchObject({ state: 'STARTING_SERVER', checking: 1, request: 1 });
  });
});
