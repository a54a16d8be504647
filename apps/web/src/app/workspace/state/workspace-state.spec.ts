import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { type ServerEvent, type UnsequencedEvent } from '@forge/protocol/agent/events';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import {
  EARLY_EVENTS_MAX,
  EMPTY_WORKSPACE,
  LOG_CHARS_MAX,
  type LiveItem,
  type WorkspaceState,
  reduceWorkspace,
} from './workspace-state';

const PROJECT = '11111111-1111-4111-8111-111111111111';

function phase(number: number, status: PhaseInfo['status'] = 'designed'): PhaseInfo {
  return {
    number,
    request: 1,
    name: `Phase ${number}`,
    description: 'd',
    files: [{ path: `src/p${number}.ts`, purpose: 'p' }],
    dependencies: [],
    lastPhase: number === 2,
    status,
  };
}

function snapshot(seq: number, extra: Partial<ProjectSnapshot> = {}): LiveItem {
  return {
    kind: 'snapshot',
    snapshot: {
      projectId: PROJECT,
      seq,
      state: 'IDLE',
      blueprint: null,
      phases: [],
      currentPhase: 0,
      error: null,
      files: [],
      streaming: null,
      messages: [],
      messagesTruncated: false,
      ...extra,
    },
  };
}

function events(from: number, ...list: UnsequencedEvent[]): LiveItem[] {
  return list.map((event, index) => ({
    kind: 'event',
    event: { ...event, projectId: PROJECT, seq: from + index } as ServerEvent,
  }));
}

const chunk = (path: string, text: string): UnsequencedEvent => ({
  type: 'file_chunk',
  path,
  chunk: text,
});

/** Applies items one at a time, as a page that flushed after every event would. */
function oneByOne(items: readonly LiveItem[]): WorkspaceState {
  return items.reduce((state, item) => reduceWorkspace(state, [item]), EMPTY_WORKSPACE);
}

describe(reduceWorkspace.name, () => {
  it('starts from the snapshot, then applies the events that follow it', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(4, { files: [{ path: 'index.html', content: '<div id="root"></div>' }] }),
      ...events(
        5,
        { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' },
        { type: 'phase_designed', phase: phase(1) },
        { type: 'file_start', path: 'src/p1.ts', phase: 1 },
        chunk('src/p1.ts', 'export const a'),
      ),
    ]);
    expect(state.view).toMatchObject({
      seq: 8,
      state: 'DESIGNING_PHASE',
      currentPhase: 1,
      files: { 'index.html': '<div id="root"></div>' },
      streaming: { path: 'src/p1.ts', content: 'export const a' },
    });
    expect(state.gap).toBe(false);
  });

  it('drops events it has seen, by seq', () => {
    const start = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(10),
      ...events(11, { type: 'file_start', path: 'a.ts', phase: 1 }, chunk('a.ts', 'one')),
    ]);
    const again = reduceWorkspace(start, [
      ...events(11, { type: 'file_start', path: 'a.ts', phase: 1 }, chunk('a.ts', 'one')),
      ...events(12, chunk('a.ts', 'one'), chunk('a.ts', ' two')),
    ]);
    expect(again.view?.streaming).toEqual({ path: 'a.ts', content: 'one two' });
    expect(again.view?.seq).toBe(13);
    expect(again.gap).toBe(false);
  });

  it('flags a gap when an event skips a number, and still applies it', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(3),
      ...events(7, { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' }),
    ]);
    expect(state.gap).toBe(true);
    expect(state.view?.state).toBe('DESIGNING_PHASE');
  });

  it('clears the gap with the next snapshot, which replaces the view', () => {
    const withGap = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(3),
      ...events(9, { type: 'file_start', path: 'lost.ts', phase: 1 }),
    ]);
    const healed = reduceWorkspace(withGap, [
      snapshot(12, { state: 'IMPLEMENTING_PHASE', files: [{ path: 'a.ts', content: 'x' }] }),
    ]);
    expect(healed.gap).toBe(false);
    expect(healed.view).toMatchObject({
      seq: 12,
      state: 'IMPLEMENTING_PHASE',
      files: { 'a.ts': 'x' },
      streaming: null,
    });
  });

  it('keeps the chat it had when a reconnect brings a new snapshot', () => {
    const message = (id: string, at: string): UnsequencedEvent => ({
      type: 'message',
      id,
      role: 'assistant',
      content: id,
      createdAt: at,
    });
    const before = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(1),
      ...events(2, message('m1', '2026-01-01T00:00:01.000Z')),
    ]);
    const after = reduceWorkspace(before, [
      snapshot(30, {
        messages: [
          { id: 'm2', role: 'assistant', content: 'm2', createdAt: '2026-01-01T00:00:02.000Z' },
        ],
      }),
    ]);
    expect(after.view?.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });

  it('keeps events that come before the first snapshot and applies those past it', () => {
    const early = reduceWorkspace(EMPTY_WORKSPACE, [
      ...events(5, { type: 'file_start', path: 'a.ts', phase: 1 }, chunk('a.ts', 'old')),
      ...events(7, chunk('a.ts', ' new')),
    ]);
    expect(early.view).toBeNull();
    expect(early.early).toHaveLength(3);

    const state = reduceWorkspace(early, [
      snapshot(6, { streaming: { path: 'a.ts', content: 'old' }, state: 'IMPLEMENTING_PHASE' }),
    ]);
    expect(state.view?.streaming).toEqual({ path: 'a.ts', content: 'old new' });
    expect(state.early).toEqual([]);
    expect(state.gap).toBe(false);
  });

  it(`keeps at most ${EARLY_EVENTS_MAX} early events, the latest`, () => {
    const many = events(
      1,
      ...Array.from({ length: EARLY_EVENTS_MAX + 5 }, () => chunk('a.ts', 'x')),
    );
    const state = reduceWorkspace(EMPTY_WORKSPACE, many);
    expect(state.early).toHaveLength(EARLY_EVENTS_MAX);
    expect(state.early[0].seq).toBe(6);
  });

  it('holds the current problems of each source as the last problems event gave them', () => {
    const error = {
      tool: 'runtime' as const,
      message: 'TypeError: x',
      text: 'error: TypeError: x',
    };
    const tsc = { tool: 'tsc' as const, message: 'TS2322', text: 'src/App.tsx:1:1 - TS2322' };
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(1),
      ...events(
        2,
        { type: 'problems', source: 'browser', problems: [error] },
        { type: 'problems', source: 'checks', problems: [tsc] },
        { type: 'problems', source: 'browser', problems: [error] },
      ),
    ]);
    expect(state.problems).toEqual({ checks: [tsc], browser: [error] });
    const cleared = reduceWorkspace(
      state,
      events(5, { type: 'problems', source: 'checks', problems: [] }),
    );
    expect(cleared.problems).toEqual({ checks: [], browser: [error] });
    // A tab that joins later, or a snapshot after a gap, has them from the snapshot.
    const joined = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(9, { problems: { checks: [tsc], browser: [] } }),
    ]);
    expect(joined.problems).toEqual({ checks: [tsc], browser: [] });
    expect(reduceWorkspace(joined, [snapshot(10)]).problems).toEqual({ checks: [], browser: [] });
  });

  it('keeps the latest version made, and the check and dev logs', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(1),
      ...events(
        2,
        { type: 'log', stream: 'check', text: 'error TS2322' },
        { type: 'log', stream: 'dev', text: 'VITE ready' },
        {
          type: 'version_created',
          number: 3,
          label: 'Edited src/App.tsx',
          reason: 'edit',
          createdAt: '2026-01-01T00:00:00.000Z',
        },
      ),
    ]);
    expect(state.logs.map((entry) => entry.stream)).toEqual(['check', 'dev']);
    expect(state.latestVersion).toEqual({
      seq: 4,
      number: 3,
      label: 'Edited src/App.tsx',
      reason: 'edit',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  describe('chunk batching', () => {
    const stream = [
      snapshot(0),
      ...events(
        1,
        { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' },
        { type: 'state_change', state: 'IMPLEMENTING_PHASE', previous: 'DESIGNING_PHASE' },
        { type: 'file_start', path: 'a.ts', phase: 1 },
        ...Array.from({ length: 500 }, (_, i) => chunk('a.ts', `line ${i}\n`)),
        { type: 'file_end', path: 'a.ts', phase: 1, content: 'final\n' },
        { type: 'file_start', path: 'b.ts', phase: 1 },
        chunk('b.ts', 'b1'),
        chunk('b.ts', 'b2'),
      ),
    ];

    it('ends where applying the events one by one ends', () => {
      expect(reduceWorkspace(EMPTY_WORKSPACE, stream)).toEqual(oneByOne(stream));
    });

    it('joins a frame of chunks into the streamed text', () => {
      const state = reduceWorkspace(EMPTY_WORKSPACE, stream.slice(0, 304));
      const expected = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('');
      expect(state.view?.streaming).toEqual({ path: 'a.ts', content: expected });
      expect(state.view?.seq).toBe(303);
    });

    it('does not join chunks across a gap, so the gap is still seen', () => {
      const state = reduceWorkspace(EMPTY_WORKSPACE, [
        snapshot(0),
        ...events(1, { type: 'file_start', path: 'a.ts', phase: 1 }, chunk('a.ts', 'one ')),
        ...events(5, chunk('a.ts', 'five')),
      ]);
      expect(state.gap).toBe(true);
      expect(state.view?.streaming?.content).toBe('one five');
    });

    it('does not repeat a chunk that was already applied', () => {
      const first = reduceWorkspace(EMPTY_WORKSPACE, [
        snapshot(0),
        ...events(1, { type: 'file_start', path: 'a.ts', phase: 1 }, chunk('a.ts', 'A')),
      ]);
      const next = reduceWorkspace(first, events(2, chunk('a.ts', 'A'), chunk('a.ts', 'B')));
      expect(next.view?.streaming?.content).toBe('AB');
    });
  });

  it('marks the files written in the latest phase', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(0),
      ...events(
        1,
        { type: 'file_end', path: 'a.ts', phase: 1, content: 'a' },
        { type: 'file_end', path: 'b.ts', phase: 1, content: 'b' },
        { type: 'file_end', path: 'a.ts', phase: 2, content: 'a2' },
        { type: 'file_deleted', path: 'b.ts', phase: 2 },
      ),
    ]);
    expect(state.changed).toEqual({ phase: 2, paths: ['a.ts', 'b.ts'] });
    expect(state.view?.files).toEqual({ 'a.ts': 'a2' });
  });

  it("takes the latest phase's files as changed after a snapshot", () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(9, {
        phases: [phase(1, 'done'), phase(2, 'done')],
        files: [
          { path: 'src/p1.ts', content: '1' },
          { path: 'src/p2.ts', content: '2' },
        ],
      }),
    ]);
    expect(state.changed).toEqual({ phase: 2, paths: ['src/p2.ts'] });
  });

  it('counts dev-server starts and remembers the step a failure stopped', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(0, { phases: [phase(1)], currentPhase: 1, state: 'INSTALLING_DEPS' }),
      ...events(
        1,
        { type: 'server_started', phase: 1 },
        { type: 'state_change', state: 'STARTING_SERVER', previous: 'INSTALLING_DEPS' },
        { type: 'state_change', state: 'IDLE', previous: 'STARTING_SERVER' },
        { type: 'error', code: 'INTERNAL', message: 'Vite crashed', phase: 1, fatal: true },
      ),
    ]);
    expect(state.serverStarts).toBe(1);
    expect(state.serverRestarts).toBe(1);
    expect(state.stoppedFrom).toBe('STARTING_SERVER');
    expect(state.view?.error).toEqual({ code: 'INTERNAL', message: 'Vite crashed', phase: 1 });
    expect(state.view?.phases[0].status).toBe('failed');
  });

  it('tells a dev server that took a phase live from one that restarted', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(0, { phases: [phase(1), phase(2)], currentPhase: 2, state: 'STARTING_SERVER' }),
      ...events(
        1,
        { type: 'server_started', phase: 1, restarted: true },
        { type: 'server_started', phase: 2, restarted: false },
      ),
    ]);
    expect(state.serverStarts).toBe(2);
    // Only the restart makes the preview load the app anew; the other hot-reloaded in place.
    expect(state.serverRestarts).toBe(1);
  });

  it('keeps recovered errors as notices and install output as logs, until the next request', () => {
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(0),
      ...events(
        1,
        { type: 'error', code: 'SCOF_BAD', message: 'a refused block', phase: 1, fatal: false },
        { type: 'log', stream: 'install', text: 'bun add v1\n' },
      ),
    ]);
    expect(state.notices).toEqual([
      { seq: 1, code: 'SCOF_BAD', message: 'a refused block', phase: 1 },
    ]);
    expect(state.logs).toEqual([{ seq: 2, stream: 'install', text: 'bun add v1\n' }]);
    expect(state.view?.error).toBeNull();

    const next = reduceWorkspace(
      state,
      events(3, { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' }),
    );
    expect(next.notices).toEqual([]);
    expect(next.logs).toEqual([]);
  });

  it(`keeps the last ${LOG_CHARS_MAX} characters of output`, () => {
    const line = 'x'.repeat(LOG_CHARS_MAX / 4);
    const state = reduceWorkspace(EMPTY_WORKSPACE, [
      snapshot(0),
      ...events(
        1,
        ...Array.from({ length: 6 }, (): UnsequencedEvent => ({
          type: 'log',
          stream: 'dev',
          text: line,
        })),
      ),
    ]);
    expect(state.logs.map((log) => log.seq)).toEqual([3, 4, 5, 6]);
  });
});
