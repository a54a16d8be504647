/** The colour family a state is drawn in; styles.css defines one variable per tone. */
export type ProjectStateTone = 'idle' | 'busy' | 'ready' | 'stopped' | 'failed';

export interface ProjectStateView {
  readonly label: string;
  readonly tone: ProjectStateTone;
}

/**
 * The words UI.md promises for each state. Keys are the agent's states (DESIGN.md) plus the
 * sandbox outcomes; they are matched case-insensitively so "designing" and "DESIGNING" agree.
 */
const STATE_VIEWS: Readonly<Record<string, ProjectStateView>> = {
  IDLE: { label: 'Idle', tone: 'idle' },
  DESIGNING: { label: 'Designing', tone: 'busy' },
  DESIGNING_PHASE: { label: 'Designing', tone: 'busy' },
  IMPLEMENTING: { label: 'Writing code', tone: 'busy' },
  IMPLEMENTING_PHASE: { label: 'Writing code', tone: 'busy' },
  WRITING_CODE: { label: 'Writing code', tone: 'busy' },
  INSTALLING: { label: 'Installing', tone: 'busy' },
  INSTALLING_DEPS: { label: 'Installing', tone: 'busy' },
  STARTING: { label: 'Starting', tone: 'busy' },
  STARTING_SERVER: { label: 'Starting', tone: 'busy' },
  CHECKING: { label: 'Checking', tone: 'busy' },
  FIXING: { label: 'Fixing', tone: 'busy' },
  COMPLETE: { label: 'Ready', tone: 'ready' },
  READY: { label: 'Ready', tone: 'ready' },
  STOPPED: { label: 'Stopped', tone: 'stopped' },
  FAILED: { label: 'Failed', tone: 'failed' },
  ERROR: { label: 'Failed', tone: 'failed' },
};

/** Reads a state as a word; a state this UI does not know yet is shown as its own name. */
export function describeProjectState(state: string): ProjectStateView {
  const key = state
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  const known = STATE_VIEWS[key];
  if (known) {
    return known;
  }
  const words = key.replace(/_+/g, ' ').trim().toLowerCase();
  const label = words ? words[0].toUpperCase() + words.slice(1) : 'Unknown';
  return { label, tone: 'idle' };
}
