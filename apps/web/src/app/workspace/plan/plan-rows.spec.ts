import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { testPhase, testView as view } from '../testing/project-views';
import { planRows } from './plan-rows';

/** A done phase of request 1 that writes two files. */
function phase(number: number, extra: Partial<PhaseInfo> = {}): PhaseInfo {
  return testPhase(number, {
    files: [
      { path: `src/a${number}.ts`, purpose: 'a' },
      { path: `src/b${number}.ts`, purpose: 'b' },
    ],
    ...extra,
  });
}

const NO_CHANGES = { phase: 0, paths: [] };

describe(planRows.name, () => {
  it('shows each file of the phase in progress as written, being written or to come', () => {
    const rows = planRows(
      view({
        state: 'IMPLEMENTING_PHASE',
        currentPhase: 2,
        phases: [phase(1), phase(2, { status: 'designed', lastPhase: true })],
        streaming: { path: 'src/b2.ts', content: 'x' },
      }),
      { phase: 2, paths: ['src/a2.ts'] },
      [],
    );
    expect(rows.map((row) => [row.index, row.status])).toEqual([
      [1, 'done'],
      [2, 'designed'],
    ]);
    expect(rows[0].files.map((file) => file.state)).toEqual(['written', 'written']);
    expect(rows[1].files.map((file) => file.state)).toEqual(['written', 'writing']);
  });

  it("adds the phase being designed and the roadmap's later entries", () => {
    const rows = planRows(
      view({
        state: 'DESIGNING_PHASE',
        currentPhase: 2,
        phases: [phase(1)],
        blueprint: {
          title: 't',
          summary: 's',
          views: [],
          roadmap: ['Layout', 'List', 'Dark mode'],
        },
      }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => [row.index, row.name, row.status])).toEqual([
      [1, 'Phase 1', 'done'],
      [2, 'Designing the next phase…', 'designing'],
      [3, 'Dark mode', 'planned'],
    ]);
  });

  it('puts a fatal error on the phase it stopped, and recovered ones beside theirs', () => {
    const rows = planRows(
      view({
        currentPhase: 1,
        phases: [phase(1, { status: 'failed' })],
        error: { code: 'INSTALL_FAILED', message: 'bun add failed', phase: 1 },
      }),
      NO_CHANGES,
      [{ seq: 4, code: 'SCOF_BAD', message: 'a refused block', phase: 1 }],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'failed',
      error: 'bun add failed',
      notices: [{ message: 'a refused block' }],
    });
  });

  it('shows a design that failed before its phase existed', () => {
    const rows = planRows(
      view({ currentPhase: 1, error: { code: 'DESIGN_INVALID', message: 'bad JSON', phase: 1 } }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => [row.status, row.error])).toEqual([['failed', 'bad JSON']]);
  });

  it("shows only the latest request's phases", () => {
    const rows = planRows(
      view({
        state: 'IMPLEMENTING_PHASE',
        request: 2,
        currentPhase: 3,
        phases: [
          phase(1),
          phase(2, { lastPhase: true }),
          phase(3, { request: 2, status: 'designed' }),
        ],
      }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => [row.key, row.index])).toEqual([[3, 1]]);
  });

  it('labels a fix phase where it happened, outside the count', () => {
    const rows = planRows(
      view({
        state: 'IMPLEMENTING_PHASE',
        currentPhase: 2,
        phases: [
          phase(1),
          phase(2, {
            kind: 'fix',
            name: 'Fix type errors',
            fixing: ['a', 'b'],
            status: 'designed',
          }),
        ],
        blueprint: { title: 't', summary: 's', views: [], roadmap: ['Layout', 'Dark mode'] },
      }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => [row.index, row.fix, row.fixing, row.name, row.status])).toEqual([
      [1, false, 0, 'Phase 1', 'done'],
      [null, true, 2, 'Fix type errors', 'designed'],
      [2, false, 0, 'Dark mode', 'planned'],
    ]);
  });

  it('reads unfinished phases as stopped after a stop, not as in progress', () => {
    const rows = planRows(
      view({
        currentPhase: 2,
        phases: [phase(1), phase(2, { status: 'implementing' })],
      }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => row.status)).toEqual(['done', 'stopped']);
    const duringDesign = planRows(view({ currentPhase: 2, phases: [phase(1)] }), NO_CHANGES, []);
    expect(duringDesign.map((row) => [row.index, row.status])).toEqual([
      [1, 'done'],
      [2, 'stopped'],
    ]);
  });

  it("shows a follow-up's own phases only, counted from 1, without the first plan's roadmap", () => {
    const rows = planRows(
      view({
        state: 'IMPLEMENTING_PHASE',
        request: 2,
        currentPhase: 3,
        blueprint: { title: 'T', summary: 's', views: [], roadmap: ['a', 'b', 'c', 'd'] },
        phases: [
          phase(1),
          phase(2, { lastPhase: true }),
          phase(3, { request: 2, status: 'designed' }),
        ],
      }),
      NO_CHANGES,
      [],
    );
    expect(rows.map((row) => [row.key, row.index, row.status])).toEqual([[3, 1, 'designed']]);
  });
});
