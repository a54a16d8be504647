import { ErrorCode } from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { wantsDatabase } from '../app-database/app-migrations';
import { abortableSleep } from '../common/abortable-sleep';
import { LlmError } from '../llm/llm-error';
import { AgentFailure } from './agent-failure';
import { type AgentRun } from './agent-run';
import { textContents } from './agent-store';
import { type CheckProblem, startProblem } from './app-checks';
import { checkPhase, fixProblems, showChecks } from './check-step';
import { diffFiles, doneMessage, type FileChange, usageSentence } from './request-summary';

/** Lines of the dev server's log sent to the user when it fails to start. */
const DEV_SERVER_LOG_LINES = 40;

/**
 * STARTING_SERVER: the app's database prepared, its dev server (re)started and the phase
 * checked; then a fix phase for what the checks found, the next phase, or the request done.
 */
export async function startServer(run: AgentRun): Promise<void> {
  const sandbox = await run.openSandbox();
  let problems: CheckProblem[] = [];
  /** A dev server that did not start: mended like any error, fatal once fixes give up. */
  let startFailure: AgentFailure | null = null;
  // The schema first: the app's server routes start against it, with DATABASE_URL set.
  const migrationProblems = await prepareDatabase(run, sandbox);
  if (sandbox) {
    const logged = sandbox.logs().at(-1)?.seq ?? 0;
    const wasRunning = (await sandbox.status()) === 'running';
    const started = await startDevServer(run, sandbox, logged);
    if (started instanceof AgentFailure) {
      startFailure = started;
      problems = [...migrationProblems, startProblem(started, sandbox.logs(logged))];
    } else {
      // A server that took the phase live leaves open previews to hot-reload in place; they
      // load the finished phase afresh (unseen, then shown) for its checks. That load must
      // see the phase's last write.
      const restarted = !wasRunning || run.restartedForPhase === run.phase.number;
      run.restartedForPhase = null;
      const settle = run.deps.runtimeErrors.settleLeft(run.projectId);
      if (settle > 0) {
        await abortableSleep(settle, run.signal, LlmError.aborted);
      }
      const servedAt = Date.now();
      await run.emit({ type: 'server_started', phase: run.phase.number, restarted });
      await run.emit({ type: 'checking', phase: run.phase.number });
      problems = [...migrationProblems, ...(await checkPhase(run, sandbox, logged, servedAt))];
    }
    await showChecks(run, problems);
  } else {
    problems = migrationProblems;
    await run.emit({
      type: 'log',
      stream: 'system',
      text: 'No sandbox (SANDBOX_PROVIDER=none): the code is saved, no preview runs.',
    });
  }
  const phase = run.phase;
  run.markPhase('done');
  await run.recordVersion(
    phase.kind === 'fix' ? 'fix' : 'phase',
    `Phase ${phase.number}: ${phase.name}`,
  );
  if (problems.length && (await fixProblems(run, phase, problems))) {
    return;
  }
  if (startFailure) {
    throw startFailure;
  }
  const morePhases = !phase.lastPhase;
  await run.move(
    { type: 'server_started', morePhases },
    {
      phases: run.row.phases,
      filesInFlight: [],
      currentPhase: morePhases ? phase.number + 1 : phase.number,
    },
  );
  if (!morePhases) {
    const { store, history } = run.deps;
    const now = await store.files(run.projectId);
    const before = await history.filesBeforeRequest(run.projectId);
    const contents = new Map([...now].map(([path, file]) => [path, file.content]));
    const change = await changeOfRequest(run, before, contents);
    const phases = run.row.phases.filter((p) => p.request === phase.request && !p.kind).length;
    await run.emit({ type: 'generation_complete', files: [...now.keys()], phases, ...change });
    const usage = await history.requestUsage(run.projectId);
    await run.say(`${doneMessage(phases, change)}${usageSentence(usage)}`);
  }
}

/**
 * When the project has migrations (or its design a data model): its database made if need be,
 * DATABASE_URL given to its dev server, its new migrations applied. A failed migration is a
 * problem for the fix loop; a database that cannot be made is told, and the phase goes on.
 */
async function prepareDatabase(run: AgentRun, sandbox: Sandbox | null): Promise<CheckProblem[]> {
  const databases = run.deps.databases;
  if (!databases) {
    return [];
  }
  const files = await run.deps.store.files(run.projectId);
  if (!wantsDatabase(files.keys(), run.phase)) {
    return [];
  }
  try {
    const { created } = await databases.ensure(run.projectId);
    if (created) {
      const text =
        "Created the app's own PostgreSQL database; its server reads it from DATABASE_URL.";
      await run.emit({ type: 'log', stream: 'system', text });
    }
    if (sandbox) {
      const env = await databases.sandboxEnv(run.projectId);
      await sandbox.setAppEnv(env, { signal: run.signal });
    }
    const report = await databases.migrate(run.projectId, textContents(files));
    if (report?.applied.length) {
      const text = `Applied migrations: ${report.applied.join(', ')}.`;
      await run.emit({ type: 'log', stream: 'system', text });
    }
    if (report?.sizeWarning) {
      await run.say(report.sizeWarning);
    }
    return report?.problems ?? [];
  } catch (error) {
    if (run.signal.aborted) {
      throw error;
    }
    const message = `The app's database could not be prepared: ${(error as Error).message}`;
    run.logger.warn(`project ${run.projectId}: ${message}`);
    await run.emit({
      type: 'error',
      code: 'APP_DATABASE_FAILED',
      message,
      phase: run.phase.number,
      fatal: false,
    });
    return [];
  }
}

/** What the request changed, starter files included (a first request overwrites some). */
async function changeOfRequest(
  run: AgentRun,
  before: Map<string, string>,
  now: Map<string, string>,
): Promise<FileChange> {
  const starter = new Map((await run.deps.templates.list()).map((f) => [f.path, f.content]));
  return diffFiles(new Map([...starter, ...before]), new Map([...starter, ...now]));
}

/** The dev server's URL, or the failure (with its log sent) when it did not start. */
async function startDevServer(
  run: AgentRun,
  sandbox: Sandbox,
  logged: number,
): Promise<string | AgentFailure> {
  try {
    return (await sandbox.startDevServer({ signal: run.signal })).url;
  } catch (error) {
    if (run.signal.aborted) {
      throw error;
    }
    // The dev server's own words are what a user needs to see why it did not start.
    const lines = sandbox.logs(logged).slice(-DEV_SERVER_LOG_LINES);
    if (lines.length) {
      await run.emit({
        type: 'log',
        stream: 'dev',
        text: lines.map((line) => line.text).join('\n'),
      });
    }
    return new AgentFailure(
      ErrorCode.DevServerFailed,
      `The dev server did not start: ${(error as Error).message}`,
    );
  }
}
