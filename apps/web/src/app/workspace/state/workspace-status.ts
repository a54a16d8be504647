import { type AgentState } from '@forge/protocol/agent/agent-state';
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
