import { type EventHub } from '../events/event-hub';
import { type AgentSnapshotRow, type AgentStatePatch, type AgentStore } from './agent-store';
import { type AgentTransition, nextState } from './state-machine';

/** Where a state change is saved and announced. */
export interface StateChangeTarget {
  runnerId: string;
  store: Pick<AgentStore, 'update'>;
  hub: Pick<EventHub, 'emit'>;
}

/**
 * The one way a project's state changes: the transition table picks the next state, the row
 * is saved with it (and `patch`), then state_change announces it. A generate's carries the
 * number of the request it starts.
 */
export async function changeState(
  target: StateChangeTarget,
  row: AgentSnapshotRow,
  event: AgentTransition,
  patch: Omit<AgentStatePatch, 'state'> = {},
): Promise<AgentSnapshotRow> {
  const previous = row.state;
  const state = nextState(previous, event);
  const saved = await target.store.update(row, target.runnerId, { ...patch, state });
  await target.hub.emit(row.projectId, {
    type: 'state_change',
    state,
    previous,
    ...(event.type === 'generate' ? { request: saved.requestNumber } : {}),
  });
  return saved;
}
