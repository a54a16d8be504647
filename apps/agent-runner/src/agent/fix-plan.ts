import { type PhaseInfo, phaseIndexInRequest } from '@forge/protocol';
import { type CheckProblem } from './app-checks';

/** What the checks after a phase left, and what the project holds, for planFix(). */
export interface FixPlanInput {
  /** The phase the checks ran after (a fix phase itself, maybe). */
  phase: PhaseInfo;
  /** All the project's phases, `phase` among them. */
  phases: readonly PhaseInfo[];
  problems: readonly CheckProblem[];
  /** The project's file paths now, in the order a fix phase lists them when no problem names one. */
  files: readonly string[];
  /** The problems as the user reads them (formatProblems), quoted to the fix phase. */
  log: string;
  /** Fix phases allowed in a row (AGENT_FIX_MAX_ATTEMPTS). */
  maxAttempts: number;
}

/** A fix phase to implement next, with what the chat says about it; or why none is tried. */
export type FixPlan =
  | { type: 'fix'; phase: PhaseInfo; note: string }
  | { type: 'give_up'; code: 'ERROR_REPEATED' | 'FIX_ATTEMPTS_EXHAUSTED'; message: string };

/**
 * A fix phase for the problems, or giving up when the fixes in a row reached the limit or an
 * error a fix was asked to mend came back: never two tries at one error.
 */
export function planFix(input: FixPlanInput): FixPlan {
  const { phase, phases, problems, maxAttempts: max } = input;
  const chain = fixesInARow(phases, phase);
  const tried = new Set(chain.flatMap((p) => p.fixing ?? []));
  const repeated = problems.find((problem) => tried.has(problem.key));
  const place = phaseIndexInRequest(phases, phase.number, phase.request);
  if (repeated || chain.length >= max) {
    const why = repeated
      ? `an error came back after a fix was asked to mend it: ${repeated.text.split('\n')[0]}`
      : max === 0
        ? 'automatic fixes are off (AGENT_FIX_MAX_ATTEMPTS is 0)'
        : `${max} fix phase${max === 1 ? '' : 's'} in a row did not clear them (AGENT_FIX_MAX_ATTEMPTS)`;
    return {
      type: 'give_up',
      code: repeated ? 'ERROR_REPEATED' : 'FIX_ATTEMPTS_EXHAUSTED',
      message: `Phase ${place} left ${count(problems.length, 'error')} that I am not trying to fix again: ${why}.`,
    };
  }
  const existing = new Set(input.files);
  const named = [...new Set(problems.flatMap((p) => (p.path ? [p.path] : [])))].filter((path) =>
    existing.has(path),
  );
  const attempt = chain.length + 1;
  const fix: PhaseInfo = {
    number: phases.reduce((last, p) => Math.max(last, p.number), 0) + 1,
    request: phase.request,
    name: 'Fix errors',
    description: `Mend the errors the checks found after phase ${phase.number}, changing only what they need:\n\n${input.log}`,
    files: (named.length ? named : [...input.files]).map((path) => ({
      path,
      purpose: named.length ? 'has errors to mend' : 'may hold the errors',
    })),
    dependencies: [],
    lastPhase: phase.lastPhase,
    status: 'designed',
    kind: 'fix',
    fixing: problems.map((p) => p.key),
    attempt,
    maxAttempts: max,
  };
  const note = `Phase ${place} left ${count(problems.length, 'error')}; fixing ${problems.length === 1 ? 'it' : 'them'} (attempt ${attempt} of ${max}).`;
  return { type: 'fix', phase: fix, note };
}

/** The fix phases run in a row up to `phase` (itself included when it is one). */
export function fixesInARow(phases: readonly PhaseInfo[], phase: PhaseInfo): PhaseInfo[] {
  const chain: PhaseInfo[] = [];
  const ordered = [...phases].sort((a, b) => b.number - a.number);
  for (const p of ordered) {
    if (p.number > phase.number) {
      continue;
    }
    if (p.kind !== 'fix') {
      break;
    }
    chain.push(p);
  }
  return chain;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
