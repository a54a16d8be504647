import { type AgentState } from '@forge/protocol';

/** What moves the agent from one state to the next. */
export type AgentTransition =
  | { type: 'generate' }
  | { type: 'phase_designed' }
  | { type: 'phase_implemented' }
  | { type: 'deps_installed' }
  | { type: 'server_started'; morePhases: boolean }
  /** The checks after a phase found errors: a fix phase, already planned, is implemented next. */
  | { type: 'fix_needed' }
  | { type: 'reset' }
  | { type: 'cancel' }
  | { type: 'fail' };

export type TransitionResult = { ok: true; state: AgentState } | { ok: false; error: string };

/**
 * The agent's state machine (DESIGN.md "Agent"), pure:
 * IDLE → DESIGNING_PHASE → IMPLEMENTING_PHASE → INSTALLING_DEPS → STARTING_SERVER
 *   → (more phases ? DESIGNING_PHASE : COMPLETE); COMPLETE → IDLE on the next request;
 * STARTING_SERVER → IMPLEMENTING_PHASE when the checks after a phase found errors to fix;
 * any state → IDLE on cancel or on an error retries did not cure.
 */
export function transition(state: AgentState, event: AgentTransition): TransitionResult {
  const to = (next: AgentState): TransitionResult => ({ ok: true, state: next });
  switch (event.type) {
    case 'cancel':
    case 'fail':
      return to('IDLE');
    case 'generate':
      if (state === 'IDLE') {
        return to('DESIGNING_PHASE');
      }
      break;
    case 'reset':
      if (state === 'COMPLETE') {
        return to('IDLE');
      }
      break;
    case 'phase_designed':
      if (state === 'DESIGNING_PHASE') {
        return to('IMPLEMENTING_PHASE');
      }
      break;
    case 'phase_implemented':
      if (state === 'IMPLEMENTING_PHASE') {
        return to('INSTALLING_DEPS');
      }
      break;
    case 'deps_installed':
      if (state === 'INSTALLING_DEPS') {
        return to('STARTING_SERVER');
      }
      break;
    case 'fix_needed':
      if (state === 'STARTING_SERVER') {
        return to('IMPLEMENTING_PHASE');
      }
      break;
    case 'server_started':
      if (state === 'STARTING_SERVER') {
        return to(event.morePhases ? 'DESIGNING_PHASE' : 'COMPLETE');
      }
      break;
  }
  return { ok: false, error: `${event.type} is not allowed in state ${state}` };
}

/** transition(), throwing on an illegal move: a bug in the agent, never a user error. */
export function nextState(state: AgentState, event: AgentTransition): AgentState {
  const result = transition(state, event);
  if (!result.ok) {
    throw new Error(`Illegal agent transition: ${result.error}`);
  }
  return result.state;
}
