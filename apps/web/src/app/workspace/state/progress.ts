import { type PhaseInfo, phaseIndexInRequest } from '@forge/protocol/agent/agent-state';
import { type ProjectView } from '@forge/protocol/socket/project-view';

/**
 * Where a project's work stands, in the words every progress label uses (header, plan, preview,
 * phone, dashboard): each step is also a key describeProjectState reads as one word.
 */
export type ProgressStep =
  | 'IDLE'
  | 'DESIGNING'
  | 'WRITING_CODE'
  | 'INSTALLING'
  | 'STARTING'
  | 'CHECKING'
  | 'FIXING'
  | 'READY'
  | 'STOPPED'
  | 'FAILED';

export interface Progress {
  readonly step: ProgressStep;
  /** The phase's place in its request, as the plan and the chat number it, while working. */
  readonly phase: { readonly index: number; readonly total: number | null } | null;
  /** The file being written, while one is. */
  readonly file: string | null;
  /** While a fix phase runs: its attempt and the most allowed, when the runner said. */
  readonly attempt: { readonly n: number; readonly of: number } | null;
  /** Where in the plan: "phase 2 of 3", "phase 2 of 2 · fix, attempt 1 of 2". */
  readonly place: string | null;
  /** One line for the plan and the preview: "Writing src/App.tsx · phase 2 of 3". */
  readonly detail: string | null;
  /** A few characters for a phone's header: "2/3". */
  readonly short: string | null;
}

/** The phases of the request being worked on, or of the latest one, in order. */
export function requestPhases(view: ProjectView): PhaseInfo[] {
  return view.phases
    .filter((phase) => phase.request === view.request)
    .sort((a, b) => a.number - b.number);
}

/**
 * True once the project stopped short: idle with its latest phase unfinished, or with the phase
 * it was designing never recorded (a stop during a design moves currentPhase past the list).
 */
export function stoppedShort(view: ProjectView): boolean {
  if (view.state !== 'IDLE' || view.error) {
    return false;
  }
  const latest = view.phases.reduce<PhaseInfo | null>(
    (found, phase) => (!found || phase.number > found.number ? phase : found),
    null,
  );
  return (latest !== null && latest.status !== 'done') || view.currentPhase > (latest?.number ?? 0);
}

function stepOf(view: ProjectView, current: PhaseInfo | undefined): ProgressStep {
  switch (view.state) {
    case 'DESIGNING_PHASE':
      return 'DESIGNING';
    case 'IMPLEMENTING_PHASE':
      return current?.kind === 'fix' ? 'FIXING' : 'WRITING_CODE';
    case 'INSTALLING_DEPS':
      return 'INSTALLING';
    case 'STARTING_SERVER':
      return view.checking !== null ? 'CHECKING' : 'STARTING';
    case 'COMPLETE':
      return 'READY';
    case 'IDLE':
      if (view.error) {
        return 'FAILED';
      }
      return stoppedShort(view) ? 'STOPPED' : 'IDLE';
  }
}

/** "phase 2 of 3" of the current phase within its request; null when idle. */
function phasePlace(view: ProjectView): Progress['phase'] {
  const phases = requestPhases(view);
  const index = phaseIndexInRequest(phases, view.currentPhase, view.request);
  const own = phases.filter((phase) => phase.kind !== 'fix');
  const last = own.findIndex((phase) => phase.lastPhase);
  if (last >= 0) {
    return { index, total: Math.max(last + 1, index) };
  }
  // The blueprint's roadmap plans the first request only; follow-ups say their end as they go.
  const roadmap = view.request <= 1 ? (view.blueprint?.roadmap.length ?? 0) : 0;
  return { index, total: roadmap >= index ? roadmap : null };
}

const STEP_SENTENCES: Partial<Record<ProgressStep, string>> = {
  DESIGNING: 'Designing',
  INSTALLING: 'Installing packages',
  STARTING: 'Starting the app',
  CHECKING: 'Checking',
};

/**
 * The one reading of a project's progress every label shows. Pure: the same view gives the
 * same words, so the header, the plan and the phone never disagree.
 */
export function progressOf(view: ProjectView): Progress {
  const current = view.phases.find((phase) => phase.number === view.currentPhase);
  const step = stepOf(view, current);
  const working = !['IDLE', 'READY', 'STOPPED', 'FAILED'].includes(step);
  if (!working) {
    return { step, phase: null, file: null, attempt: null, place: null, detail: null, short: null };
  }
  const phase = phasePlace(view);
  const file = step === 'WRITING_CODE' || step === 'FIXING' ? (view.streaming?.path ?? null) : null;
  const attempt =
    current?.kind === 'fix' && current.attempt && current.maxAttempts
      ? { n: current.attempt, of: current.maxAttempts }
      : null;
  const place = phase ? `phase ${phase.index}${phase.total ? ` of ${phase.total}` : ''}` : '';
  const short = phase ? `${phase.index}${phase.total ? `/${phase.total}` : ''}` : null;
  const fixing = current?.kind === 'fix';
  const tries = attempt ? ` (attempt ${attempt.n} of ${attempt.of})` : '';
  let detail: string;
  if (step === 'FIXING') {
    detail = `Fixing errors of ${place}${tries}${file ? ` · ${file}` : ''}`;
  } else if (step === 'WRITING_CODE') {
    detail = `Writing ${file ?? 'code'} · ${place}`;
  } else if (step === 'DESIGNING') {
    detail = `Designing ${place}`;
  } else {
    // Installing, starting and checking after a fix belong to the fix.
    const what = fixing ? `the fix of ${place}${tries}` : place;
    detail = `${STEP_SENTENCES[step]} ${what}`;
  }
  const where = fixing
    ? `${place} · fix${attempt ? `, attempt ${attempt.n} of ${attempt.of}` : ''}`
    : place;
  return { step, phase, file, attempt, place: where || null, detail, short };
}
