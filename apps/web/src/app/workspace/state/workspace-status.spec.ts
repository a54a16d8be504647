import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';
import { isPreviewFailure } from './workspace-status';

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
    request: 1,
    currentPhase: 0,
    checking: null,
    error: null,
    files: {},
    streaming: null,
    messages: [],
    ...extra,
  };
}

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
