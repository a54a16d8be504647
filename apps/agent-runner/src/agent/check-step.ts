import { type PhaseInfo } from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { abortableSleep } from '../common/abortable-sleep';
import { LlmError } from '../llm/llm-error';
import { type AgentRun } from './agent-run';
import {
  type CheckProblem,
  devLogProblems,
  formatProblems,
  problemItems,
  runtimeProblems,
  runToolChecks,
} from './app-checks';
import { planFix } from './fix-plan';
import { explainImportCase } from './import-case';

/**
 * The errors the phase left: the type-check, the build, the dev server's transform errors and
 * what an open preview reported from a page loaded since server_started (the preview reloads
 * on it), never from a page hot-reloaded through the phase's files on their way.
 */
export async function checkPhase(
  run: AgentRun,
  sandbox: Sandbox,
  logged: number,
  servedAt: number,
): Promise<CheckProblem[]> {
  const { checks } = run.deps;
  const problems: CheckProblem[] = [];
  try {
    problems.push(
      ...(await runToolChecks(sandbox, {
        tsc: checks.tsc,
        build: checks.build,
        timeoutMs: checks.timeoutMs,
        signal: run.signal,
      })),
    );
  } catch (error) {
    if (run.signal.aborted) {
      throw error;
    }
    await run.emit({
      type: 'log',
      stream: 'system',
      text: `The checks could not run: ${(error as Error).message}`,
    });
  }
  // The wait for an open preview's reports runs from when the dev server took the phase,
  // alongside the tool checks rather than after them.
  const waitLeft = servedAt + checks.runtimeWaitMs - Date.now();
  if (waitLeft > 0) {
    await abortableSleep(waitLeft, run.signal, LlmError.aborted);
  }
  problems.push(...devLogProblems(sandbox.logs(logged)));
  problems.push(...runtimeProblems(run.deps.runtimeErrors.current(run.projectId)));
  const files = [...(await run.deps.store.files(run.projectId)).keys()];
  return explainImportCase(problems, files);
}

/** The checks' own errors as they stand now (the browser's are sent as they arrive). */
export async function showChecks(run: AgentRun, problems: CheckProblem[]): Promise<void> {
  const items = problemItems(problems.filter((problem) => problem.source !== 'runtime'));
  await run.emit({ type: 'problems', source: 'checks', problems: items });
  run.deps.runtimeErrors.shown(run.projectId, 'checks', items.length > 0);
}

/**
 * Sends the problems' log, then moves to a fix phase for them (true), or tells the user, with
 * the log, why none is tried and lets the generation go on (false): see planFix.
 */
export async function fixProblems(
  run: AgentRun,
  phase: PhaseInfo,
  problems: CheckProblem[],
): Promise<boolean> {
  const log = formatProblems(problems, run.deps.checks.logMaxChars);
  await run.emit({ type: 'log', stream: 'check', text: log });
  const files = await run.deps.store.files(run.projectId);
  const plan = planFix({
    phase,
    phases: run.row.phases,
    problems,
    files: [...files.keys()],
    log,
    maxAttempts: run.deps.checks.fixMaxAttempts,
  });
  if (plan.type === 'give_up') {
    const { code, message } = plan;
    await run.emit({ type: 'error', code, message, phase: phase.number, fatal: false });
    await run.say(`${message} Here is the log:\n\n${log}`);
    return false;
  }
  const fix = plan.phase;
  await run.move(
    { type: 'fix_needed' },
    { phases: [...run.row.phases, fix], currentPhase: fix.number, filesInFlight: [] },
  );
  await run.emit({ type: 'phase_designed', phase: fix });
  await run.say(plan.note);
  return true;
}
