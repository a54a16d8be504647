import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';
import { isPreviewFailure, phaseProgress, workspaceStateKey } from './workspace-status';

function phase(number: number, extra: Partial<PhaseInfo> = {}): PhaseInfo {
  return {
    number,
    request: 1,
    name: `Phase ${number}`,
    description: 'd',
    files: [],
    dependencies: [],
    lastPhase: false,
    status: 'done',
    ...extra,
  };
}

function view(extra: Partial<ProjectView> = {}): ProjectView {
  return {
    projectId: 'p',
    seq: 1,
    state: 'IDLE',
    blueprint: null,
    phases: [],
    currentPhase: 0,
    error: null,
    files: {},
    encodings: {},
    streaming: null,
    messages: [],
    ...extra,
  };
}

describe(workspaceStateKey.name, () => {
  it.each([
    ['working', view({ state: 'IMPLEMENTING_PHASE' }), 'IMPLEMENTING_PHASE'],
    ['finished', view({ state: 'COMPLETE', phases: [phase(1)] }), 'COMPLETE'],
    [
      'failed',
      view({ error: { code: 'X', message: 'm' }, phases: [phase(1, { status: 'failed' })] }),
      'FAILED',
    ],
    [
      'stopped mid-phase',
      view({ phases: [phase(1), phase(2, { status: 'designed' })] }),
      'STOPPED',
    ],
    ['new', view(), 'IDLE'],
  ])('reads a %s project as %s', (_what, project, key) => {
    expect(workspaceStateKey(project)).toBe(key);
  });
});

describe(phaseProgress.name, () => {
  it('counts the phase within its request, with the total once the last phase is known', () => {
    const phases = [phase(1), phase(2, { status: 'designed', lastPhase: true })];
    expect(phaseProgress(view({ state: 'IMPLEMENTING_PHASE', phases, currentPhase: 2 }))).toEqual({
      index: 2,
      total: 2,
      fixing: false,
    });
  });

  it("takes the total from the blueprint's roadmap on the first request", () => {
    const project = view({
      state: 'DESIGNING_PHASE',
      phases: [phase(1)],
      currentPhase: 2,
      blueprint: { title: 't', summary: 's', views: [], roadmap: ['a', 'b', 'c'] },
    });
    expect(phaseProgress(project)).toEqual({ index: 2, total: 3, fixing: false });
  });

  it('counts a follow-up request from 1, without a total', () => {
    const phases = [phase(1), phase(2), phase(3, { request: 2, status: 'designed' })];
    expect(phaseProgress(view({ state: 'IMPLEMENTING_PHASE', phases, currentPhase: 3 }))).toEqual({
      index: 1,
      total: null,
      fixing: false,
    });
  });

  it('reads a fix phase as fixing the phase before it, and leaves it out of the count', () => {
    const phases = [
      phase(1),
      phase(2, { kind: 'fix', fixing: ['TS2322 src/App.tsx'] }),
      phase(3, { status: 'designed', lastPhase: true }),
      phase(4, { kind: 'fix', status: 'designed' }),
    ];
    expect(phaseProgress(view({ state: 'IMPLEMENTING_PHASE', phases, currentPhase: 3 }))).toEqual({
      index: 2,
      total: 2,
      fixing: false,
    });
    expect(phaseProgress(view({ state: 'IMPLEMENTING_PHASE', phases, currentPhase: 4 }))).toEqual({
      index: 2,
      total: null,
      fixing: true,
    });
  });

  it('says nothing while the agent is not working', () => {
    expect(phaseProgress(view({ state: 'COMPLETE', phases: [phase(1)] }))).toBeNull();
  });
});

describe(isPreviewFailure.name, () => {
  const failed = view({ error: { code: 'INTERNAL', message: 'boom', phase: 1 } });

  it('puts failures of the install and start steps in the preview', () => {
    expect(isPreviewFailure(failed, 'STARTING_SERVER')).toBe(true);
    expect(isPreviewFailure(failed, 'INSTALLING_DEPS')).toBe(true);
    expect(isPreviewFailure(view({ error: { code: 'INSTALL_FAILED', message: 'm' } }), null)).toBe(
      true,
    );
  });

  it('leaves design and code failures to the plan', () => {
    expect(isPreviewFailure(failed, 'IMPLEMENTING_PHASE')).toBe(false);
    expect(isPreviewFailure(failed, null)).toBe(false);
    expect(isPreviewFailure(view(), 'STARTING_SERVER')).toBe(false);
  });
});
