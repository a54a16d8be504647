import { Logger } from '@nestjs/common';
import {
  type AgentState,
  ErrorCode,
  type PhaseDesign,
  type PhaseInfo,
  phaseIndexInRequest,
  type UnsequencedEvent,
} from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { type AppDatabases } from '../app-database/app-databases';
import { wantsDatabase } from '../app-database/app-migrations';
import { type EventHub } from '../events/event-hub';
import { abortableSleep } from '../common/abortable-sleep';
import { LlmError } from '../llm/llm-error';
import { AgentFailure } from './agent-failure';
import { isDatabaseOutage } from './database-outage';
import {
  type CheckProblem,
  devLogProblems,
  startProblem,
  formatProblems,
  problemItems,
  runtimeProblems,
  runToolChecks,
} from './app-checks';
import { explainImportCase } from './import-case';
import {
  type AgentSnapshotRow,
  type AgentStatePatch,
  type AgentStore,
  LeaseLostError,
  textContents,
} from './agent-store';
import { type RegistryOptions } from './dependency-fit';
import { changesDependencyGraph, reloadDevServer } from './dev-server-reload';
import { EarlyInstall, installPackages, type PackageInstall } from './phase-install';
import { type PhaseDesigner } from './phase-designer';
import { createImplementationSink, type PhaseSink, type SinkOwner } from './implementation-sink';
import { type PhaseImplementer } from './phase-implementer';
import { type ProjectHistory, versionCreatedEvent } from './project-history';
import { type RuntimeErrorLog } from './runtime-error-log';
import { diffFiles, doneMessage, type FileChange, usageSentence } from './request-summary';
import { type AgentTransition, nextState } from './state-machine';
import { type TemplateCatalog } from './template-catalog';

/** Lines of the dev server's log sent to the user when it fails to start. */
const DEV_SERVER_LOG_LINES = 40;

export interface ProjectAgentDeps {
  runnerId: string;
  store: AgentStore;
  hub: EventHub;
  designer: PhaseDesigner;
  implementer: PhaseImplementer;
  templates: TemplateCatalog;
  /** Null when SANDBOX_PROVIDER=none: code is generated and saved, nothing runs. */
  sandbox: () => Promise<Sandbox | null>;
  history: ProjectHistory;
  runtimeErrors: RuntimeErrorLog;
  maxPhasesPerRequest: number;
  contextBudget: number;
  patchPreferredLines: number;
  checks: AgentCheckSettings;
  /** Where requested packages are fitted to the project before they are installed. */
  registry: Omit<RegistryOptions, 'signal'>;
  /** The projects' own databases (made when a phase writes db/migrations/); null: none. */
  databases: Pick<AppDatabases, 'ensure' | 'sandboxEnv' | 'migrate'> | null;
}

/** What the agent checks after each phase, and how hard it tries to fix what it finds. */
export interface AgentCheckSettings {
  tsc: boolean;
  build: boolean;
  timeoutMs: number;
  /** How long to wait for an open preview to report errors after the dev server took the phase. */
  runtimeWaitMs: number;
  logMaxChars: number;
  /** Fix phases in a row after one phase (AGENT_FIX_MAX_ATTEMPTS). */
  fixMaxAttempts: number;
}

/**
 * Drives one project's generation from its persisted state to COMPLETE (or IDLE on cancel or
 * failure). Every transition and every closed file is written before it is announced, so a
 * runner that dies anywhere leaves a state another runner can resume.
 */
export class ProjectAgent {
  private readonly logger = new Logger(ProjectAgent.name);
  private readonly controller = new AbortController();
  private cancelled = false;
  private abandoned = false;
  private sandbox?: Promise<Sandbox | null>;
  /** The sink of the phase being implemented: its closed files are saved behind the stream. */
  private sink: PhaseSink | null = null;
  /** The install of the phase's designed packages, started as its code streams. */
  private earlyInstall: EarlyInstall | null = null;
  /** The dev server was restarted for the phase being installed (server_started says so). */
  private restartedForPhase: number | null = null;
  /** closedInPhase()'s set and the row list it was made from (asked on every parsed event). */
  private closed: { from: string[] | null; paths: ReadonlySet<string> } = {
    from: null,
    paths: new Set(),
  };

  constructor(
    private row: AgentSnapshotRow,
    private readonly deps: ProjectAgentDeps,
  ) {}

  get projectId(): string {
    return this.row.projectId;
  }

  get state(): AgentState {
    return this.row.state;
  }

  /** Stops the generation; run() then returns the project to IDLE with its closed files kept. */
  cancel(): void {
    this.cancelled = true;
    this.controller.abort();
  }

  /** Stops without writing anything: the lease is gone, another runner owns the project. */
  abandon(): void {
    this.abandoned = true;
    this.controller.abort();
  }

  async run(): Promise<void> {
    try {
      for (;;) {
        if (this.controller.signal.aborted) throw LlmError.aborted();
        switch (this.row.state) {
          case 'DESIGNING_PHASE':
            await this.designPhase();
            break;
          case 'IMPLEMENTING_PHASE':
            await this.implementPhase();
            break;
          case 'INSTALLING_DEPS':
            await this.installDeps();
            break;
          case 'STARTING_SERVER':
            await this.startServer();
            break;
          case 'IDLE':
          case 'COMPLETE':
            return;
        }
      }
    } catch (error) {
      await this.stop(error).catch((stopping: unknown) => {
        // The failure could not be written: the database went away meanwhile.
        if (isDatabaseOutage(stopping)) return this.pauseForDatabase(stopping);
        throw stopping;
      });
    }
  }

  private async stop(cause: unknown): Promise<void> {
    // Files closed before the stop are saved first (a cancel keeps them); a save that failed
    // is what stopped the stream, whatever the stream said.
    const saving = await this.sink?.flush().then(
      () => null,
      (error: unknown) => error,
    );
    const error = saving ?? cause;
    // An install begun as the code streamed ends (cancelled with the run) before the next can.
    await this.earlyInstall?.settled;
    if (this.abandoned || error instanceof LeaseLostError) {
      this.logger.warn(`project ${this.projectId}: stopped, another runner holds it now`);
      return;
    }
    if (!this.cancelled && isDatabaseOutage(error)) return this.pauseForDatabase(error);
    if (this.cancelled) {
      await this.move({ type: 'cancel' }, { error: null, filesInFlight: [] });
      await this.say('Stopped. The files written so far are kept.', 'system');
      return;
    }
    const code =
      error instanceof AgentFailure || error instanceof LlmError ? error.code : 'INTERNAL';
    const message =
      error instanceof AgentFailure || error instanceof LlmError
        ? error.message
        : 'An unexpected error stopped the generation; it has been logged.';
    if (code === 'INTERNAL') this.logger.error((error as Error)?.stack ?? String(error));
    const failure = { code, message, phase: this.row.currentPhase };
    this.markPhase('failed');
    await this.move(
      { type: 'fail' },
      { error: failure, phases: this.row.phases, filesInFlight: [] },
    );
    await this.emit({ type: 'error', ...failure, fatal: true });
    await this.say(`The generation stopped: ${message}`);
  }

  /**
   * PostgreSQL is out of reach: nothing can be saved, so the run stops where its state was last
   * written and leaves the lease to lapse. The runner's heartbeat resumes the project from that
   * state as soon as the database answers again (AgentSupervisor.beat), as after a takeover.
   */
  private async pauseForDatabase(error: unknown): Promise<void> {
    const reason = (error as Error)?.message ?? String(error);
    this.logger.warn(`project ${this.projectId}: database unreachable (${reason}); pausing`);
    await this.emit({
      type: 'log',
      stream: 'system',
      text: `The database is unreachable (${reason}); the generation goes on from its last saved step once it is back.`,
    }).catch(() => undefined);
  }

  private get phase(): PhaseInfo {
    const phase = this.row.phases.find((p) => p.number === this.row.currentPhase);
    if (!phase) throw new Error(`project ${this.projectId} has no phase ${this.row.currentPhase}`);
    return phase;
  }

  private async designPhase(): Promise<void> {
    const number = this.row.currentPhase;
    await this.emit({ type: 'phase_designing', phase: number });
    const files = await this.deps.store.files(this.projectId);
    const request = this.row.requestNumber;
    const design = await this.deps.designer.design({
      projectId: this.projectId,
      phase: number,
      request: this.row.request ?? '',
      ...(this.row.requestModel ? { model: this.row.requestModel } : {}),
      plan: this.row.phases.filter((p) => p.number < number),
      templateFiles: await this.deps.templates.list(),
      existingFiles: [...files].map(([path, body]) => ({ path, ...body })),
      signal: this.controller.signal,
      onRetry: (text) => this.emit({ type: 'log', stream: 'system', text }),
    });
    const phasesInRequest =
      this.row.phases.filter((p) => p.request === request && p.number < number && !p.kind).length +
      1;
    const capped = phasesInRequest >= this.deps.maxPhasesPerRequest && !design.lastPhase;
    const phase = this.toPhase(design, number, request, capped);
    const patch: AgentStatePatch = {
      phases: [...this.row.phases.filter((p) => p.number !== number), phase],
      filesInFlight: [],
    };
    if (design.blueprint && !this.row.blueprint) patch.blueprint = design.blueprint;
    await this.move({ type: 'phase_designed' }, patch);
    if (patch.blueprint) await this.emit({ type: 'blueprint', blueprint: patch.blueprint });
    await this.emit({ type: 'phase_designed', phase });
    if (capped) {
      await this.say(
        `Phase ${phasesInRequest} is the last one: this request reached AGENT_MAX_PHASES (${this.deps.maxPhasesPerRequest}).`,
      );
    }
    if (phasesInRequest === 1) {
      // The plan itself (blueprint, phases, files) shows in the chat's plan; this says only where it starts.
      const planned = patch.blueprint?.roadmap.length ?? 0;
      const of = design.lastPhase ? ' of 1' : planned > 1 ? ` of ${planned}` : '';
      await this.say(`Planned. Starting with phase 1${of}: ${design.name}.`);
    }
  }

  private toPhase(
    design: PhaseDesign,
    number: number,
    request: number,
    capped: boolean,
  ): PhaseInfo {
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

  private async implementPhase(): Promise<void> {
    const phase = this.phase;
    this.markPhase('implementing');
    const sandbox = await this.openSandbox();
    // Not for a resumed phase: its files reached the sandbox before, packages or not.
    this.earlyInstall =
      sandbox && phase.dependencies.length && this.row.filesInFlight.length === 0
        ? new EarlyInstall(phase.number, sandbox, phase.dependencies, {
            ...this.deps.registry,
            signal: this.controller.signal,
          })
        : null;
    const sink = createImplementationSink(
      this.sinkOwner(),
      phase.number,
      sandbox,
      this.earlyInstall?.settled,
    );
    this.sink = sink;
    await this.reannounceClosedFiles(phase.number);
    const packages = await this.deps.implementer.implement(
      {
        projectId: this.projectId,
        phase,
        request: this.row.request ?? '',
        ...(this.row.requestModel ? { model: this.row.requestModel } : {}),
        alreadyWritten: () => this.closedInPhase(),
        currentFiles: async () => {
          await sink.flush();
          return this.deps.store.files(this.projectId);
        },
        contextBudget: this.deps.contextBudget,
        patchPreferredLines: this.deps.patchPreferredLines,
        signal: this.controller.signal,
      },
      sink,
    );
    await sink.flush();
    const written = this.row.filesInFlight;
    const dependencies = [...new Set([...phase.dependencies, ...packages])];
    const phases = this.row.phases.map((p) =>
      p.number === phase.number ? { ...p, dependencies } : p,
    );
    await this.move({ type: 'phase_implemented' }, { phases });
    await this.emit({ type: 'files_written', phase: phase.number, paths: written });
  }

  /**
   * A resumed phase keeps the files already closed in it. The runner that closed the last of them
   * may have died between saving it and announcing it, so they are announced again: clients
   * that already have them get the same content.
   */
  private async reannounceClosedFiles(phase: number): Promise<void> {
    if (this.row.filesInFlight.length === 0) return;
    const files = await this.deps.store.files(this.projectId);
    for (const path of this.row.filesInFlight) {
      const body = files.get(path);
      if (body === undefined) {
        await this.emit({ type: 'file_deleted', path, phase });
      } else {
        await this.emit({ type: 'file_end', path, phase, ...body });
      }
    }
  }

  private async installDeps(): Promise<void> {
    let packages = this.phase.dependencies;
    const sandbox = await this.openSandbox();
    let phases: PhaseInfo[] | undefined;
    if (sandbox) {
      const number = this.phase.number;
      const early = this.earlyInstall?.phase === number ? await this.earlyInstall.result() : null;
      this.earlyInstall = null;
      const wrote = this.row.filesInFlight;
      // The `bun add` line may name more than the design did, and a package.json the model
      // wrote replaced what the early install added to it: then the install runs (again).
      const covered =
        early &&
        !wrote.includes('package.json') &&
        packages.every((spec) => early.requested.includes(spec));
      const install: PackageInstall = covered
        ? early
        : await installPackages(sandbox, packages, {
            ...this.deps.registry,
            signal: this.controller.signal,
          });
      const { plan, result } = install;
      if (plan.notes.length) await this.say(`About the packages: ${plan.notes.join(' ')}`);
      if (packages.length) {
        // Versions whose peers fit what the project has, recorded exact for package.json and the zip.
        packages = plan.install;
        phases = this.row.phases.map((p) =>
          p.number === number ? { ...p, dependencies: packages } : p,
        );
      }
      if (result.output) await this.emit({ type: 'log', stream: 'install', text: result.output });
      if (!result.ok) {
        throw new AgentFailure(
          ErrorCode.InstallFailed,
          `Installing ${packages.join(' ') || 'the dependencies'} failed (exit ${result.exitCode}).`,
        );
      }
      // Files written while the phase streamed may import what was installed only now; a
      // replaced package may be loaded in the dev server; some configuration Vite reads once.
      const installedAfterFiles = !covered && install.plan.install.length > 0;
      if (installedAfterFiles || install.replaced.length || wrote.some(changesDependencyGraph)) {
        const reloaded = await reloadDevServer(sandbox, { signal: this.controller.signal });
        if (reloaded) {
          this.restartedForPhase = number;
          const text = 'The dev server restarted to load the installed packages and configuration.';
          await this.emit({ type: 'log', stream: 'system', text });
        }
      }
    }
    await this.emit({ type: 'deps_installed', packages });
    await this.move({ type: 'deps_installed' }, phases ? { phases } : {});
  }

  private async startServer(): Promise<void> {
    const sandbox = await this.openSandbox();
    let problems: CheckProblem[] = [];
    /** A dev server that did not start: mended like any error, fatal once fixes give up. */
    let startFailure: AgentFailure | null = null;
    // The schema first: the app's server routes start against it, with DATABASE_URL set.
    const migrationProblems = await this.prepareDatabase(sandbox);
    if (sandbox) {
      const logged = sandbox.logs().at(-1)?.seq ?? 0;
      const wasRunning = (await sandbox.status()) === 'running';
      const started = await this.startDevServer(sandbox, logged);
      if (started instanceof AgentFailure) {
        startFailure = started;
        problems = [...migrationProblems, startProblem(started, sandbox.logs(logged))];
      } else {
        // A server that took the phase live leaves open previews to hot-reload in place; they
        // load the finished phase afresh (unseen, then shown) for its checks. That load must
        // see the phase's last write.
        const restarted = !wasRunning || this.restartedForPhase === this.phase.number;
        this.restartedForPhase = null;
        const settle = this.deps.runtimeErrors.settleLeft(this.projectId);
        if (settle > 0) {
          await abortableSleep(settle, this.controller.signal, LlmError.aborted);
        }
        const servedAt = Date.now();
        await this.emit({ type: 'server_started', phase: this.phase.number, restarted });
        await this.emit({ type: 'checking', phase: this.phase.number });
        problems = [...migrationProblems, ...(await this.check(sandbox, logged, servedAt))];
      }
      await this.showChecks(problems);
    } else {
      problems = migrationProblems;
      await this.emit({
        type: 'log',
        stream: 'system',
        text: 'No sandbox (SANDBOX_PROVIDER=none): the code is saved, no preview runs.',
      });
    }
    const phase = this.phase;
    this.markPhase('done');
    await this.recordVersion(
      phase.kind === 'fix' ? 'fix' : 'phase',
      `Phase ${phase.number}: ${phase.name}`,
    );
    if (problems.length && (await this.planFix(phase, problems))) return;
    if (startFailure) throw startFailure;
    const morePhases = !phase.lastPhase;
    await this.move(
      { type: 'server_started', morePhases },
      {
        phases: this.row.phases,
        filesInFlight: [],
        currentPhase: morePhases ? phase.number + 1 : phase.number,
      },
    );
    if (!morePhases) {
      const now = await this.deps.store.files(this.projectId);
      const before = await this.deps.history.filesBeforeRequest(this.projectId);
      const contents = new Map([...now].map(([path, file]) => [path, file.content]));
      const change = await this.changeOfRequest(before, contents);
      const phases = this.row.phases.filter((p) => p.request === phase.request && !p.kind).length;
      await this.emit({ type: 'generation_complete', files: [...now.keys()], phases, ...change });
      const usage = await this.deps.history.requestUsage(this.projectId);
      await this.say(`${doneMessage(phases, change)}${usageSentence(usage)}`);
    }
  }

  /**
   * When the project has migrations (or its design a data model): its database made if need be,
   * DATABASE_URL given to its dev server, its new migrations applied. A failed migration is a
   * problem for the fix loop; a database that cannot be made is told, and the phase goes on.
   */
  private async prepareDatabase(sandbox: Sandbox | null): Promise<CheckProblem[]> {
    const databases = this.deps.databases;
    if (!databases) return [];
    const files = await this.deps.store.files(this.projectId);
    if (!wantsDatabase(files.keys(), this.phase)) return [];
    try {
      const { created } = await databases.ensure(this.projectId);
      if (created) {
        const text =
          "Created the app's own PostgreSQL database; its server reads it from DATABASE_URL.";
        await this.emit({ type: 'log', stream: 'system', text });
      }
      if (sandbox) {
        const env = await databases.sandboxEnv(this.projectId);
        await sandbox.setAppEnv(env, { signal: this.controller.signal });
      }
      const report = await databases.migrate(this.projectId, textContents(files));
      if (report?.applied.length) {
        const text = `Applied migrations: ${report.applied.join(', ')}.`;
        await this.emit({ type: 'log', stream: 'system', text });
      }
      if (report?.sizeWarning) await this.say(report.sizeWarning);
      return report?.problems ?? [];
    } catch (error) {
      if (this.controller.signal.aborted) throw error;
      const message = `The app's database could not be prepared: ${(error as Error).message}`;
      this.logger.warn(`project ${this.projectId}: ${message}`);
      await this.emit({
        type: 'error',
        code: 'APP_DATABASE_FAILED',
        message,
        phase: this.phase.number,
        fatal: false,
      });
      return [];
    }
  }

  /** What the request changed, starter files included (a first request overwrites some). */
  private async changeOfRequest(
    before: Map<string, string>,
    now: Map<string, string>,
  ): Promise<FileChange> {
    const starter = new Map((await this.deps.templates.list()).map((f) => [f.path, f.content]));
    return diffFiles(new Map([...starter, ...before]), new Map([...starter, ...now]));
  }

  /** The dev server's URL, or the failure (with its log sent) when it did not start. */
  private async startDevServer(sandbox: Sandbox, logged: number): Promise<string | AgentFailure> {
    try {
      return (await sandbox.startDevServer({ signal: this.controller.signal })).url;
    } catch (error) {
      if (this.controller.signal.aborted) throw error;
      // The dev server's own words are what a user needs to see why it did not start.
      const lines = sandbox.logs(logged).slice(-DEV_SERVER_LOG_LINES);
      if (lines.length) {
        await this.emit({
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

  /**
   * The errors the phase left: the type-check, the build, the dev server's transform errors and
   * what an open preview reported from a page loaded since server_started (the preview reloads
   * on it), never from a page hot-reloaded through the phase's files on their way.
   */
  private async check(sandbox: Sandbox, logged: number, servedAt: number): Promise<CheckProblem[]> {
    const { checks } = this.deps;
    const problems: CheckProblem[] = [];
    try {
      problems.push(
        ...(await runToolChecks(sandbox, {
          tsc: checks.tsc,
          build: checks.build,
          timeoutMs: checks.timeoutMs,
          signal: this.controller.signal,
        })),
      );
    } catch (error) {
      if (this.controller.signal.aborted) throw error;
      await this.emit({
        type: 'log',
        stream: 'system',
        text: `The checks could not run: ${(error as Error).message}`,
      });
    }
    // The wait for an open preview's reports runs from when the dev server took the phase,
    // alongside the tool checks rather than after them.
    const waitLeft = servedAt + checks.runtimeWaitMs - Date.now();
    if (waitLeft > 0) {
      await abortableSleep(waitLeft, this.controller.signal, LlmError.aborted);
    }
    problems.push(...devLogProblems(sandbox.logs(logged)));
    problems.push(...runtimeProblems(this.deps.runtimeErrors.current(this.projectId)));
    const files = [...(await this.deps.store.files(this.projectId)).keys()];
    return explainImportCase(problems, files);
  }

  /** The checks' own errors as they stand now (the browser's are sent as they arrive). */
  private async showChecks(problems: CheckProblem[]): Promise<void> {
    const items = problemItems(problems.filter((problem) => problem.source !== 'runtime'));
    await this.emit({ type: 'problems', source: 'checks', problems: items });
    this.deps.runtimeErrors.shown(this.projectId, 'checks', items.length > 0);
  }

  /**
   * Adds a fix phase for the problems and moves to it (true), or, when the fixes in a row reached
   * AGENT_FIX_MAX_ATTEMPTS or an error a fix was asked to mend came back, tells the user with
   * the log and lets the generation go on (false): never two tries at one error.
   */
  private async planFix(phase: PhaseInfo, problems: CheckProblem[]): Promise<boolean> {
    const max = this.deps.checks.fixMaxAttempts;
    const log = formatProblems(problems, this.deps.checks.logMaxChars);
    await this.emit({ type: 'log', stream: 'check', text: log });
    const chain = this.fixesInARow(phase);
    const tried = new Set(chain.flatMap((p) => p.fixing ?? []));
    const repeated = problems.find((problem) => tried.has(problem.key));
    if (repeated || chain.length >= max) {
      const code = repeated ? 'ERROR_REPEATED' : 'FIX_ATTEMPTS_EXHAUSTED';
      const why = repeated
        ? `an error came back after a fix was asked to mend it: ${repeated.text.split('\n')[0]}`
        : max === 0
          ? 'automatic fixes are off (AGENT_FIX_MAX_ATTEMPTS is 0)'
          : `${max} fix phase${max === 1 ? '' : 's'} in a row did not clear them (AGENT_FIX_MAX_ATTEMPTS)`;
      const message = `Phase ${this.placeOf(phase)} left ${count(problems.length, 'error')} that I am not trying to fix again: ${why}.`;
      await this.emit({ type: 'error', code, message, phase: phase.number, fatal: false });
      await this.say(`${message} Here is the log:\n\n${log}`);
      return false;
    }
    const files = await this.deps.store.files(this.projectId);
    const named = [...new Set(problems.flatMap((p) => (p.path ? [p.path] : [])))].filter((path) =>
      files.has(path),
    );
    const number = this.row.phases.reduce((max, p) => Math.max(max, p.number), 0) + 1;
    const fix: PhaseInfo = {
      number,
      request: phase.request,
      name: 'Fix errors',
      description: `Mend the errors the checks found after phase ${phase.number}, changing only what they need:\n\n${log}`,
      files: (named.length ? named : [...files.keys()]).map((path) => ({
        path,
        purpose: named.length ? 'has errors to mend' : 'may hold the errors',
      })),
      dependencies: [],
      lastPhase: phase.lastPhase,
      status: 'designed',
      kind: 'fix',
      fixing: problems.map((p) => p.key),
      attempt: chain.length + 1,
      maxAttempts: max,
    };
    await this.move(
      { type: 'fix_needed' },
      { phases: [...this.row.phases, fix], currentPhase: number, filesInFlight: [] },
    );
    await this.emit({ type: 'phase_designed', phase: fix });
    await this.say(
      `Phase ${this.placeOf(phase)} left ${count(problems.length, 'error')}; fixing ${problems.length === 1 ? 'it' : 'them'} (attempt ${chain.length + 1} of ${max}).`,
    );
    return true;
  }

  /** The phase's number as the user sees it: its place in the request (phaseIndexInRequest). */
  private placeOf(phase: PhaseInfo): number {
    return phaseIndexInRequest(this.row.phases, phase.number, phase.request);
  }

  /** The fix phases run in a row up to `phase` (itself included when it is one). */
  private fixesInARow(phase: PhaseInfo): PhaseInfo[] {
    const chain: PhaseInfo[] = [];
    const ordered = [...this.row.phases].sort((a, b) => b.number - a.number);
    for (const p of ordered) {
      if (p.number > phase.number) continue;
      if (p.kind !== 'fix') break;
      chain.push(p);
    }
    return chain;
  }

  private async recordVersion(reason: 'phase' | 'fix', label: string): Promise<void> {
    const event = versionCreatedEvent(
      await this.deps.history.record(this.projectId, reason, label),
    );
    if (event) await this.emit(event);
  }

  /** The paths closed in the current phase, as a set made again only when they change. */
  private closedInPhase(): ReadonlySet<string> {
    if (this.closed.from !== this.row.filesInFlight) {
      this.closed = { from: this.row.filesInFlight, paths: new Set(this.row.filesInFlight) };
    }
    return this.closed.paths;
  }

  /** The sink's view of this agent: reads and replaces the same row the agent moves on. */
  private sinkOwner(): SinkOwner {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const agent = this;
    return {
      runnerId: this.deps.runnerId,
      store: this.deps.store,
      get row() {
        return agent.row;
      },
      set row(row) {
        agent.row = row;
      },
      emit: (event) => this.emit(event),
    };
  }

  /** The project's sandbox (opened once per run), or null without one. */
  private openSandbox(): Promise<Sandbox | null> {
    this.sandbox ??= this.deps.sandbox();
    return this.sandbox;
  }

  private markPhase(status: PhaseInfo['status']): void {
    this.row = {
      ...this.row,
      phases: this.row.phases.map((p) =>
        p.number === this.row.currentPhase ? { ...p, status } : p,
      ),
    };
  }

  private async move(event: AgentTransition, patch: AgentStatePatch): Promise<void> {
    const previous = this.row.state;
    const state = nextState(previous, event);
    // The sink's saves move the row's version: none may be under way.
    await this.sink?.flush();
    this.row = await this.deps.store.update(this.row, this.deps.runnerId, { ...patch, state });
    await this.emit({ type: 'state_change', state, previous });
  }

  /** A chat message from the agent; 'system' for a short entry (a stop) rather than a reply. */
  private async say(content: string, role: 'assistant' | 'system' = 'assistant'): Promise<void> {
    const message = await this.deps.store.addMessage(this.projectId, role, content);
    await this.emit({
      type: 'message',
      id: message.id,
      role,
      content,
      createdAt: message.createdAt,
    });
  }

  private async emit(event: UnsequencedEvent): Promise<void> {
    await this.deps.hub.emit(this.projectId, event);
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
