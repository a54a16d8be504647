import { AGENT_STATES, type AgentState } from '@forge/protocol';
import { type AgentTransition, transition } from './state-machine';

const EVENTS: AgentTransition[] = [
  { type: 'generate' },
  { type: 'phase_designed' },
  { type: 'phase_implemented' },
  { type: 'deps_installed' },
  { type: 'server_started', morePhases: true },
  { type: 'server_started', morePhases: false },
  { type: 'fix_needed' },
  { type: 'reset' },
  { type: 'cancel' },
  { type: 'fail' },
];

const label = (event: AgentTransition) =>
  event.type === 'server_started' ? `server_started(morePhases=${event.morePhases})` : event.type;

/** Every legal move; everything else must be refused. */
const LEGAL: Record<string, AgentState> = {
  'IDLE generate': 'DESIGNING_PHASE',
  'DESIGNING_PHASE phase_designed': 'IMPLEMENTING_PHASE',
  'IMPLEMENTING_PHASE phase_implemented': 'INSTALLING_DEPS',
  'INSTALLING_DEPS deps_installed': 'STARTING_SERVER',
  'STARTING_SERVER server_started(morePhases=true)': 'DESIGNING_PHASE',
  'STARTING_SERVER server_started(morePhases=false)': 'COMPLETE',
  'STARTING_SERVER fix_needed': 'IMPLEMENTING_PHASE',
  'COMPLETE reset': 'IDLE',
  ...Object.fromEntries(
    AGENT_STATES.flatMap((s) => [
      [`${s} cancel`, 'IDLE'],
      [`${s} fail`, 'IDLE'],
    ]),
  ),
};

const TABLE = AGENT_STATES.flatMap((state) =>
  EVENTS.map(
    (event) => [state, label(event), event, LEGAL[`${state} ${label(event)}`] ?? null] as const,
  ),
);

describe(transition.name, () => {
  it('covers every state and event', () => {
    expect(TABLE).toHaveLength(AGENT_STATES.length * EVENTS.length);
    expect(Object.keys(LEGAL)).toHaveLength(8 + 2 * AGENT_STATES.length);
  });

  it.each(TABLE)('%s + %s', (state, _label, event, expected) => {
    const result = transition(state, event);
    if (expected === null) {
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({
        error: expect.stringContaining(`not allowed in state ${state}`),
      });
    } else {
      expect(result).toEqual({ ok: true, state: expected });
    }
  });
});
