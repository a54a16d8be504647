import { PHASE_DESIGN_LIMITS, type PhaseDesign, type PhaseInfo } from '@forge/protocol';
import { type AgentStatePatch } from './agent-store';
import { type AgentRun } from './agent-run';

/** DESIGNING_PHASE: asks the model for the next phase, saves it (and a first blueprint). */
export async function designPhase(run: AgentRun): Promise<void> {
  const { deps, row } = run;
  const number = row.currentPhase;
  await run.emit({ type: 'phase_designing', phase: number });
  const files = await deps.store.files(run.projectId);
  const request = row.requestNumber;
  const design = await deps.designer.design({
    projectId: run.projectId,
    phase: number,
    request: row.request ?? '',
    ...(row.requestModel ? { model: row.requestModel } : {}),
    plan: row.phases.filter((p) => p.number < number),
    templateFiles: await deps.templates.list(),
    existingFiles: [...files].map(([path, body]) => ({ path, ...body })),
    signal: run.signal,
    onRetry: (text) => run.emit({ type: 'log', stream: 'system', text }),
  });
  const phasesInRequest =
    run.row.phases.filter((p) => p.request === request && p.number < number && !p.kind).length + 1;
  const capped = phasesInRequest >= deps.maxPhasesPerRequest && !design.lastPhase;
  const phase = toPhase(design, number, request, capped);
  const patch: Omit<AgentStatePatch, 'state'> = {
    phases: [...run.row.phases.filter((p) => p.number !== number), phase],
    filesInFlight: [],
  };
  if (design.blueprint && !run.row.blueprint) {
    patch.blueprint = design.blueprint;
  }
  const title = patch.blueprint ? projectTitle(design) : null;
  if (title) {
    await deps.store.proposeTitle(run.projectId, title);
  }
  await run.move({ type: 'phase_designed' }, patch);
  if (patch.blueprint) {
    await run.emit({ type: 'blueprint', blueprint: patch.blueprint });
  }
  await run.emit({ type: 'phase_designed', phase });
  if (capped) {
    await run.say(
      `Phase ${phasesInRequest} is the last one: this request reached AGENT_MAX_PHASES (${deps.maxPhasesPerRequest}).`,
    );
  }
  if (phasesInRequest === 1) {
    // The plan itself (blueprint, phases, files) shows in the chat's plan; this says only where it starts.
    const planned = patch.blueprint?.roadmap.length ?? 0;
    const of = design.lastPhase ? ' of 1' : planned > 1 ? ` of ${planned}` : '';
    await run.say(`Planned. Starting with phase 1${of}: ${design.name}.`);
  }
}

function toPhase(design: PhaseDesign, number: number, request: number, capped: boolean): PhaseInfo {
  return {
    number,
    request,
    name: design.name,
    description: design.description,
    files: design.files,
    dependencies: design.dependencies,
    lastPhase: design.lastPhase || capped,
    status: 'designed',
    ...(design.dataModel ? { dataModel: design.dataModel } : {}),
    ...(design.routes?.length ? { routes: design.routes } : {}),
  };
}

/** The short title a new app's first design proposes, else its blueprint's title when short. */
export function projectTitle(design: PhaseDesign): string | null {
  const blueprintTitle = design.blueprint?.title.trim();
  const short =
    blueprintTitle && blueprintTitle.length <= PHASE_DESIGN_LIMITS.maxProjectTitleLength
      ? blueprintTitle
      : null;
  return design.title ?? short;
}
