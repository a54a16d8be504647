import { type AgentRun } from './agent-run';
import { createImplementationSink } from './implementation-sink';
import { EarlyInstall } from './phase-install';

/**
 * IMPLEMENTING_PHASE: streams the phase's files from the model into the sink (saved, written
 * to the sandbox, announced), installing its designed packages meanwhile.
 */
export async function implementPhase(run: AgentRun): Promise<void> {
  const { deps } = run;
  const phase = run.phase;
  run.markPhase('implementing');
  const sandbox = await run.openSandbox();
  // Not for a resumed phase: its files reached the sandbox before, packages or not.
  run.earlyInstall =
    sandbox && phase.dependencies.length && run.row.filesInFlight.length === 0
      ? new EarlyInstall(phase.number, sandbox, phase.dependencies, {
          ...deps.registry,
          signal: run.signal,
        })
      : null;
  const sink = createImplementationSink(run, phase.number, sandbox, run.earlyInstall?.settled);
  run.sink = sink;
  await reannounceClosedFiles(run, phase.number);
  const closed = closedInPhase(run);
  const packages = await deps.implementer.implement(
    {
      projectId: run.projectId,
      phase,
      request: run.row.request ?? '',
      ...(run.row.requestModel ? { model: run.row.requestModel } : {}),
      alreadyWritten: closed,
      currentFiles: async () => {
        await sink.flush();
        return deps.store.files(run.projectId);
      },
      contextBudget: deps.contextBudget,
      patchPreferredLines: deps.patchPreferredLines,
      signal: run.signal,
    },
    sink,
  );
  await sink.flush();
  const written = run.row.filesInFlight;
  const dependencies = [...new Set([...phase.dependencies, ...packages])];
  const phases = run.row.phases.map((p) =>
    p.number === phase.number ? { ...p, dependencies } : p,
  );
  await run.move({ type: 'phase_implemented' }, { phases });
  await run.emit({ type: 'files_written', phase: phase.number, paths: written });
}

/**
 * A resumed phase keeps the files already closed in it. The runner that closed the last of them
 * may have died between saving it and announcing it, so they are announced again: clients
 * that already have them get the same content.
 */
async function reannounceClosedFiles(run: AgentRun, phase: number): Promise<void> {
  if (run.row.filesInFlight.length === 0) {
    return;
  }
  const files = await run.deps.store.files(run.projectId);
  for (const path of run.row.filesInFlight) {
    const body = files.get(path);
    if (body === undefined) {
      await run.emit({ type: 'file_deleted', path, phase });
    } else {
      await run.emit({ type: 'file_end', path, phase, ...body });
    }
  }
}

/**
 * The paths closed in the current phase, as a set made again only when they change (the
 * implementer asks on every parsed event).
 */
function closedInPhase(run: AgentRun): () => ReadonlySet<string> {
  let from: string[] | null = null;
  let paths: ReadonlySet<string> = new Set();
  return () => {
    if (from !== run.row.filesInFlight) {
      from = run.row.filesInFlight;
      paths = new Set(from);
    }
    return paths;
  };
}
