import { type ApiRoute, type DataModel, type PhaseBlueprint, type PhaseFile } from './phase-design';

/** The agent's states (DESIGN.md "Agent"). */
export const AGENT_STATES = [
  'IDLE',
  'DESIGNING_PHASE',
  'IMPLEMENTING_PHASE',
  'INSTALLING_DEPS',
  'STARTING_SERVER',
  'COMPLETE',
] as const;

export type AgentState = (typeof AGENT_STATES)[number];

export function isAgentState(value: string): value is AgentState {
  return (AGENT_STATES as readonly string[]).includes(value);
}

/** States in which an agent is working (a runner resumes these after a restart). */
export function isBusyState(state: AgentState): boolean {
  return state !== 'IDLE' && state !== 'COMPLETE';
}

export type PhaseStatus = 'designed' | 'implementing' | 'done' | 'failed';

/** One phase as the agent keeps it, in agent_states.phases and in snapshots. */
export interface PhaseInfo {
  /** 1-based, counting across the project's life (follow-ups continue the count). */
  number: number;
  /** Which request of the project it serves: 1 for the first app, 2 for the first follow-up, … */
  request: number;
  name: string;
  description: string;
  files: PhaseFile[];
  dependencies: string[];
  lastPhase: boolean;
  status: PhaseStatus;
  /** The app's tables after this phase, when it keeps data in its database (PhaseDesign). */
  dataModel?: DataModel;
  /** The server routes this phase adds or changes. */
  routes?: ApiRoute[];
  /** 'fix' for a phase the agent added to mend the errors the checks found after a phase. */
  kind?: 'fix';
  /** On a fix phase: the keys of the errors it was asked to mend (to spot a repeated error). */
  fixing?: string[];
  /** On a fix phase: its place in the fixes in a row (1-based) and the most allowed. */
  attempt?: number;
  maxAttempts?: number;
}

export interface AgentError {
  code: string;
  message: string;
  /** The phase it happened in, when in one. */
  phase?: number;
}

export type Blueprint = PhaseBlueprint;

/**
 * A phase's place among its request's own phases, 1-based, as the plan, the header and the chat
 * number them (fix phases are not counted). A fix phase answers the place of the phase it
 * mends; a number not designed yet answers the next place.
 */
export function phaseIndexInRequest(
  phases: readonly PhaseInfo[],
  number: number,
  request: number,
): number {
  const before = phases.filter(
    (phase) => phase.request === request && phase.kind !== 'fix' && phase.number < number,
  ).length;
  const phase = phases.find((p) => p.number === number);
  return phase?.kind === 'fix' ? Math.max(before, 1) : before + 1;
}
