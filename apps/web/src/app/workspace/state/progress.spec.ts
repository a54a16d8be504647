import { describeProjectState } from '../../project/project-state';
import { testPhase as phase, testView as view } from '../testing/project-views';
import { progressOf, stoppedShort } from './progress';

const BLUEPRINT = { title: 'Todo', summary: 's', views: [], roadmap: ['a', 'b', 'c'] };

describe(progressOf.name, () => {
  it('reads each working state as its own step with the phase within the request', () => {
    const phases = [phase(1), phase(2, { status: 'designed' })];
    const at = (state: Parameters<typeof view>[0]) =>
      progressOf(view({ phases, currentPhase: 2, blueprint: BLUEPRINT, ...state }));
    expect(at({ state: 'DESIGNING_PHASE', phases: [phase(1)] })).toMatchObject({
      step: 'DESIGNING',
      detail: 'Designing phase 2 of 3',
      short: '2/3',
    });
    expect(
      at({ state: 'IMPLEMENTING_PHASE', streaming: { path: 'src/List.tsx', content: '' } }),
    ).toMatchObject({
      step: 'WRITING_CODE',
      file: 'src/List.tsx',
      detail: 'Writing src/List.tsx · phase 2 of 3',
    });
    expect(at({ state: 'INSTALLING_DEPS' })).toMatchObject({
      step: 'INSTALLING',
      detail: 'Installing packages phase 2 of 3',
    });
    expect(at({ state: 'STARTING_SERVER' })).toMatchObject({ step: 'STARTING' });
    expect(at({ state: 'STARTING_SERVER', checking: 2 })).toMatchObject({
      step: 'CHECKING',
      detail: 'Checking phase 2 of 3',
    });
  });

  it('says a fix with its attempt, on the phase it mends, not as a phase of its own', () => {
    const phases = [
      phase(1),
      phase(2, { status: 'done', lastPhase: true }),
      phase(3, { kind: 'fix', status: 'designed', attempt: 1, maxAttempts: 2, lastPhase: true }),
    ];
    const fixing = progressOf(
      view({
        state: 'IMPLEMENTING_PHASE',
        phases,
        currentPhase: 3,
        streaming: { path: 'src/App.tsx', content: '' },
      }),
    );
    expect(fixing).toMatchObject({
      step: 'FIXING',
      phase: { index: 2, total: 2 },
      attempt: { n: 1, of: 2 },
      place: 'phase 2 of 2 · fix, attempt 1 of 2',
      detail: 'Fixing errors of phase 2 of 2 (attempt 1 of 2) · src/App.tsx',
    });
    expect(
      progressOf(view({ state: 'STARTING_SERVER', phases, currentPhase: 3, checking: 3 })).detail,
    ).toBe('Checking the fix of phase 2 of 2 (attempt 1 of 2)');
  });

  it("counts a follow-up's phases from 1, never past the request's own end", () => {
    // Request 1 took phases 1 and 2; the follow-up (request 2) designs phase 3.
    const first = [phase(1), phase(2, { lastPhase: true })];
    const designing = progressOf(
      view({ state: 'DESIGNING_PHASE', phases: first, request: 2, currentPhase: 3 }),
    );
    expect(designing).toMatchObject({
      phase: { index: 1, total: null },
      detail: 'Designing phase 1',
    });
    const second = [...first, phase(3, { request: 2, status: 'designed', lastPhase: true })];
    expect(
      progressOf(view({ state: 'IMPLEMENTING_PHASE', phases: second, request: 2, currentPhase: 3 }))
        .phase,
    ).toEqual({ index: 1, total: 1 });
  });

  it('reads an idle project as ready, stopped, failed or idle', () => {
    expect(progressOf(view({ state: 'COMPLETE', phases: [phase(1)] })).step).toBe('READY');
    expect(progressOf(view()).step).toBe('IDLE');
    expect(progressOf(view({ phases: [phase(1)], currentPhase: 1 })).step).toBe('IDLE');
    const stoppedMidPhase = view({
      phases: [phase(1, { status: 'implementing' })],
      currentPhase: 1,
    });
    expect(progressOf(stoppedMidPhase)).toEqual({
      step: 'STOPPED',
      phase: null,
      file: null,
      attempt: null,
      place: null,
      detail: null,
      short: null,
    });
    const stoppedDesigning = view({ phases: [phase(1)], currentPhase: 2 });
    expect(progressOf(stoppedDesigning).step).toBe('STOPPED');
    const failed = view({
      error: { code: 'X', message: 'm' },
      phases: [phase(1)],
      currentPhase: 2,
    });
    expect(progressOf(failed).step).toBe('FAILED');
  });

  it('gives every step a word of the badge, none shown by its raw name', () => {
    const steps = [
      'IDLE',
      'DESIGNING',
      'WRITING_CODE',
      'INSTALLING',
      'STARTING',
      'CHECKING',
      'FIXING',
      'READY',
      'STOPPED',
      'FAILED',
    ];
    expect(steps.map((step) => describeProjectState(step).label)).toEqual([
      'Idle',
      'Designing',
      'Writing code',
      'Installing',
      'Starting',
      'Checking',
      'Fixing',
      'Ready',
      'Stopped',
      'Failed',
    ]);
  });
});

describe(stoppedShort.name, () => {
  it('is false while working and for a finished request', () => {
    expect(stoppedShort(view({ state: 'IMPLEMENTING_PHASE', currentPhase: 1 }))).toBe(false);
    expect(stoppedShort(view({ phases: [phase(1)], currentPhase: 1 }))).toBe(false);
  });
});
