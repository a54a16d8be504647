import { type PhaseInfo } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';
import { type ChangedFiles, type Notice } from '../state/workspace-state';
import { requestPhases, stoppedShort } from '../state/progress';

export type PlanFileState = 'written' | 'writing' | 'pending';
export type PlanRowStatus = PhaseInfo['status'] | 'designing' | 'planned' | 'stopped';

export interface PlanFileRow {
  readonly path: string;
  readonly purpose: string;
  readonly state: PlanFileState;
}

export interface PlanRow {
  /** The phase's number, or a negative key for roadmap entries not designed yet. */
  readonly key: number;
  /** 1-based position within the request, as the plan counts; null for a fix phase. */
  readonly index: number | null;
  /** A phase the agent added to mend the errors its checks found (PhaseInfo.kind 'fix'). */
  readonly fix: boolean;
  /** How many errors a fix phase was asked to mend. */
  readonly fixing: number;
  /** A fix phase's attempt and the most allowed, when the runner said. */
  readonly attempt: string | null;
  readonly name: string;
  readonly status: PlanRowStatus;
  readonly files: readonly PlanFileRow[];
  readonly error: string | null;
  readonly notices: readonly Notice[];
}

function fileState(
  phase: PhaseInfo,
  path: string,
  view: ProjectView,
  changed: ChangedFiles,
): PlanFileState {
  if (phase.status === 'done' || phase.status === 'implementing') {
    return 'written';
  }
  if (view.streaming?.path === path && phase.number === view.currentPhase) {
    return 'writing';
  }
  return changed.phase === phase.number && changed.paths.includes(path) ? 'written' : 'pending';
}

/**
 * The plan of the request being worked on (or the latest one): each designed phase with its
 * files and how far they got, the phase being designed, then the blueprint's roadmap entries
 * still to come. A failed phase carries the error; recovered errors stay with their phase. Fix
 * phases sit where they happened and are not counted: the plan's phases are the user's.
 */
export function planRows(
  view: ProjectView,
  changed: ChangedFiles,
  notices: readonly Notice[],
): PlanRow[] {
  const phases = requestPhases(view);
  // After a stop nothing is in progress: an unfinished phase reads as stopped, not running.
  const stopped = stoppedShort(view);
  const statusOf = (phase: PhaseInfo): PlanRowStatus =>
    stopped && phase.status !== 'done' && phase.status !== 'failed' ? 'stopped' : phase.status;
  let counted = 0;
  const rows: PlanRow[] = phases.map((phase) => ({
    key: phase.number,
    index: phase.kind === 'fix' ? null : ++counted,
    fix: phase.kind === 'fix',
    fixing: phase.fixing?.length ?? 0,
    attempt:
      phase.attempt && phase.maxAttempts
        ? `attempt ${phase.attempt} of ${phase.maxAttempts}`
        : null,
    name: phase.name,
    status: statusOf(phase),
    files: phase.files.map((file) => ({
      path: file.path,
      purpose: file.purpose,
      state: fileState(phase, file.path, view, changed),
    })),
    error: view.error?.phase === phase.number ? view.error.message : null,
    notices: notices.filter((notice) => notice.phase === phase.number),
  }));
  // The phase being designed, or whose design failed, is not in the list yet.
  const unlisted = !phases.some((phase) => phase.number === view.currentPhase);
  const designing = unlisted && view.state === 'DESIGNING_PHASE';
  const designFailed = unlisted && view.error !== null && view.error.phase === view.currentPhase;
  const designStopped = unlisted && stopped && view.currentPhase > 0;
  if (designing || designFailed || designStopped) {
    rows.push({
      key: view.currentPhase,
      index: ++counted,
      fix: false,
      fixing: 0,
      attempt: null,
      name: designing ? 'Designing the next phase…' : 'Designing the next phase',
      status: designing ? 'designing' : designStopped ? 'stopped' : 'failed',
      files: [],
      error: designFailed ? view.error!.message : null,
      notices: notices.filter((notice) => notice.phase === view.currentPhase),
    });
  }
  const firstRequest = view.request <= 1;
  const roadmap =
    firstRequest && !phases.some((p) => p.lastPhase) ? (view.blueprint?.roadmap ?? []) : [];
  for (let position = counted; position < roadmap.length; position++) {
    rows.push({
      key: -1 - position,
      index: position + 1,
      fix: false,
      fixing: 0,
      attempt: null,
      name: roadmap[position],
      status: 'planned',
      files: [],
      error: null,
      notices: [],
    });
  }
  return rows;
}
