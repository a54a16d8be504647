import { type AgentState, type PhaseInfo, isBusyState } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';

/** Sandbox failures reported with these codes happened while installing or starting the app. */
const PREVIEW_FAILURE_CODES = new Set([
  'INSTALL_FAILED',
  'START_FAILED',
  'DEV_SERVER_TIMEOUT',
  'DEV_SERVER_CRASHED',
]);

/** The steps whose failure belongs in the preview rather than in the plan alone. */
const PREVIEW_STEPS: ReadonlySet<AgentState> = new Set(['INSTALLING_DEPS', 'STARTING_SERVER']);

/** The phases of the request being worked on (or the latest one), in order. */
export function currentRequestPhases(view: ProjectView): PhaseInfo[] {
  const current =
    view.phases.find((phase) => phase.number === view.currentPhase) ?? latestPhase(view.phases);
  if (!current) {
    return [];
  }
  return view.phases
    .filter((phase) => phase.request === current.request)
    .sort((a, b) => a.number - b.number);
}

export function latestPhase(phases: readonly PhaseInfo[]): PhaseInfo | null {
  return phases.reduce<PhaseInfo | null>(
    (found, phase) => (!found || phase.number > found.number ? phase : found),
    null,
  );
}

/**
 * The project's state for its badge (UI.md's words): the agent's state while it works; after
 * it, COMPLETE (Ready), FAILED (an error is kept), STOPPED (the latest phase never finished) or
 * IDLE.
 */
export function workspaceStateKey(view: ProjectView): string {
  if (view.state !== 'IDLE') {
    return view.state;
  }
  if (view.error) {
    return 'FAILED';
  }
  const latest = latestPhase(view.phases);
  return latest && latest.status !== 'done' ? 'STOPPED' : 'IDLE';
}

export interface PhaseProgress {
  /** 1-based place of the phase in its request, fixes not counted (a fix: the phase it mends). */
  readonly index: number;
  /** Phases the request will take, when the plan says so. */
  readonly total: number | null;
  /** The current phase mends the errors the checks found. */
  readonly fixing: boolean;
}

/**
 * "phase 2 of 3": where the agent is within the current request, while it works. A fix phase
 * is not one of the plan's phases: it reads as "fixing errors" after the phase it mends.
 */
export function phaseProgress(view: ProjectView): PhaseProgress | null {
  if (!isBusyState(view.state)) {
    return null;
  }
  const all = currentRequestPhases(view);
  const current = all.find((phase) => phase.number === view.currentPhase);
  const phases = all.filter((phase) => phase.kind !== 'fix');
  if (current?.kind === 'fix') {
    // The phase it mends: the last of the plan's phases before it.
    const index = phases.filter((phase) => phase.number < current.number).length;
    return { index, total: null, fixing: true };
  }
  const position = phases.findIndex((phase) => phase.number === view.currentPhase);
  // Designing a phase that is not in the list yet: it is the next one.
  const index = position >= 0 ? position + 1 : phases.length + 1;
  const last = phases.findIndex((phase) => phase.lastPhase);
  if (last >= 0) {
    return { index, total: last + 1, fixing: false };
  }
  const roadmap = phases[0]?.request === 1 || phases.length === 0 ? view.blueprint?.roadmap : null;
  return {
    index,
    total: roadmap && roadmap.length >= index ? roadmap.length : null,
    fixing: false,
  };
}

/** True when the kept error happened while installing or starting the app: the preview shows it. */
export function isPreviewFailure(view: ProjectView, stoppedFrom: AgentState | null): boolean {
  if (!view.error) {
    return false;
  }
  return (
    (stoppedFrom !== null && PREVIEW_STEPS.has(stoppedFrom)) ||
    PREVIEW_FAILURE_CODES.has(view.error.code)
  );
}
