import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';

/** A phase of request 1, done, for unit tests. */
export function testPhase(number: number, extra: Partial<PhaseInfo> = {}): PhaseInfo {
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

/** An idle project with nothing yet, changed by `extra`, for unit tests. */
export function testView(extra: Partial<ProjectView> = {}): ProjectView {
  return {
    projectId: 'p',
    seq: 1,
    state: 'IDLE',
    blueprint: null,
    phases: [],
    request: 1,
    version: 0,
    currentPhase: 0,
    checking: null,
    error: null,
    files: {},
    encodings: {},
    streaming: null,
    messages: [],
    ...extra,
  };
}
