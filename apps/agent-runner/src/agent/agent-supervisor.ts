import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  checkProjectPath,
  CodedError,
  encodingOf,
  ErrorCode,
  isBusyState,
  type LlmModelList,
  type RuntimeErrorReport,
} from '@forge/protocol';
import { type SandboxFile } from '@forge/sandbox';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { LLM_CLIENT, LLM_MODELS } from '../llm/llm.module';
import { type ModelCatalog, UnknownModelError } from '../llm/model-catalog';
import { type LlmClient } from '../llm/llm-client';
import { type RetryPolicy } from '../llm/llm-error';
import { deleteSandboxFiles, writeSandboxFiles } from '../sandbox/sandbox-batches';
import { AppDatabases } from '../app-database/app-databases';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { AgentFailure } from './agent-failure';
import { type AgentSnapshotRow, AgentStore } from './agent-store';
import { LeaseService } from './lease.service';
import { PhaseDesigner } from './phase-designer';
import { PerOwnerQueue } from './per-owner-queue';
import { PhaseImplementer } from './phase-implementer';
import { problemItems, runtimeProblems } from './app-checks';
import { ProjectAgent } from './project-agent';
import { ProjectHistory, type RecordedVersion, versionCreatedEvent } from './project-history';
import { RuntimeErrorLog } from './runtime-error-log';
import { nextState } from './state-machine';
import { TemplateCatalog } from './template-catalog';

/** The manifest whose change, by an edit or a rollback, means an install in the sandbox. */
const PACKAGE_JSON = 'package.json';

/** A command the runner refuses, with a message for the user. */
export class AgentCommandError extends CodedError {}

/**
 * The runner's agents: starts generations, cancels them, and keeps leases — renewed by
 * heartbeat, with projects whose lease lapsed (their runner died) resumed from their state.
 */
@Injectable()
export class AgentSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AgentSupervisor.name);
  private readonly agents = new Map<string, { agent: ProjectAgent; done: Promise<void> }>();
  private readonly templates = new TemplateCatalog();
  private readonly designer: PhaseDesigner;
  private readonly implementer: PhaseImplementer;
  /**
   * The projects this runner holds a lease on for work under way (a generation, a command), with
   * how many holds each: only these are renewed, so a lease whose work ended without giving it
   * back (the database was gone) lapses, and the heartbeat resumes what it left.
   */
  private readonly held = new Map<string, number>();
  private readonly perOwner = new PerOwnerQueue();
  private heartbeat?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private beatRunning = false;
  private shuttingDown = false;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    @Inject(LLM_CLIENT) llm: LlmClient,
    private readonly sandboxes: SandboxSessions,
    private readonly store: AgentStore,
    private readonly leases: LeaseService,
    private readonly hub: EventHub,
    private readonly history: ProjectHistory,
    private readonly runtimeLog: RuntimeErrorLog,
    private readonly databases: AppDatabases,
    @Inject(LLM_MODELS) private readonly models: ModelCatalog,
  ) {
    const retry: RetryPolicy = {
      maxRetries: config.LLM_MAX_RETRIES,
      baseDelayMs: config.LLM_RETRY_BASE_DELAY_MS,
      maxDelayMs: config.LLM_RETRY_MAX_DELAY_MS,
      deadlineMs: config.LLM_CALL_TIMEOUT_MS,
    };
    this.designer = new PhaseDesigner(llm, retry, config.LLM_DESIGN_MAX_ATTEMPTS);
    this.implementer = new PhaseImplementer(llm, retry, {
      fileMaxBytes: config.AGENT_FILE_MAX_BYTES,
      binaryFileMaxBytes: config.AGENT_BINARY_FILE_MAX_BYTES,
      maxFiles: config.AGENT_ANSWER_MAX_FILES,
      errorsShown: config.AGENT_ANSWER_ERRORS_SHOWN,
    });
  }

  onApplicationBootstrap(): void {
    this.tick();
    this.heartbeat = setInterval(() => this.tick(), this.config.LEASE_HEARTBEAT_MS);
  }

  /** Starts a beat unless one still runs: a slow database must not start two resumes of one project. */
  private tick(): void {
    if (this.beatRunning) return;
    this.beatRunning = true;
    this.beating = this.beat().finally(() => {
      this.beatRunning = false;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    await this.beating;
    // Leases are left to expire: another runner resumes these projects where they stand.
    for (const { agent } of this.agents.values()) agent.abandon();
    await Promise.all([...this.agents.values()].map(({ done }) => done));
  }

  /**
   * Starts generating for a request on a project that is IDLE or COMPLETE; `model`, when named,
   * must be one the LLM server lists and is used for this request only.
   */
  async generate(projectId: string, request: string, model?: string): Promise<void> {
    const text = request.trim();
    if (!text)
      throw new AgentCommandError(ErrorCode.RequestEmpty, 'Describe what to build or change.');
    if (text.length > this.config.AGENT_REQUEST_MAX_LENGTH) {
      throw new AgentCommandError(
        ErrorCode.RequestTooLong,
        `The request is ${text.length} characters long; the limit (AGENT_REQUEST_MAX_LENGTH) is ${this.config.AGENT_REQUEST_MAX_LENGTH}.`,
      );
    }
    if (model) {
      await this.models.check(model).catch((error: unknown) => {
        if (error instanceof UnknownModelError)
          throw new AgentCommandError(ErrorCode.UnknownModel, error.message);
        throw error;
      });
    }
    if (this.agents.has(projectId)) throw this.busy();
    // Refuse before taking the lease: a refused command must not keep the project leased here.
    const current = await this.store.load(projectId);
    if (current && isBusyState(current.state)) throw this.busy();
    const ownerId = current?.ownerId ?? (await this.store.ownerOf(projectId));
    if (!ownerId) throw new AgentCommandError(ErrorCode.ProjectNotFound, 'No such project.');
    // The count and the start that makes it one more happen in one go per user.
    return this.perOwner.run(ownerId, async () => {
      await this.checkGenerationCap(ownerId, projectId);
      await this.startGeneration(projectId, text, model ?? null);
    });
  }

  /** The models a request may name: the configured LLM server's list. */
  listModels(): Promise<LlmModelList> {
    return this.models.list();
  }

  /** Refuses a generation past GENERATIONS_MAX_PER_USER running ones of the same user. */
  private async checkGenerationCap(ownerId: string, projectId: string): Promise<void> {
    const max = this.config.GENERATIONS_MAX_PER_USER;
    const busy = (await this.store.busyProjectsOf(ownerId)).filter((id) => id !== projectId);
    if (busy.length >= max) {
      throw new AgentCommandError(
        ErrorCode.GenerationsLimit,
        `You already have ${busy.length} generations running; the limit (GENERATIONS_MAX_PER_USER) is ${max}. Wait for one to finish or stop it, then try again.`,
      );
    }
  }

  private async startGeneration(
    projectId: string,
    text: string,
    model: string | null,
  ): Promise<void> {
    if (this.agents.has(projectId)) throw this.busy();
    let row = await this.take(projectId);
    try {
      row = await this.begin(row, text, model);
    } catch (error) {
      await this.release(projectId);
      throw error;
    }
    this.start(row);
  }

  /** Moves a project taken for a request to DESIGNING_PHASE, with the request in its chat. */
  private async begin(
    taken: AgentSnapshotRow,
    text: string,
    model: string | null,
  ): Promise<AgentSnapshotRow> {
    const projectId = taken.projectId;
    let row = taken;
    if (isBusyState(row.state)) throw this.busy();
    if (row.state === 'COMPLETE') {
      row = await this.store.update(row, this.config.RUNNER_ID, {
        state: nextState(row.state, { type: 'reset' }),
      });
      await this.hub.emit(projectId, { type: 'state_change', state: 'IDLE', previous: 'COMPLETE' });
    }
    const message = await this.store.addMessage(projectId, 'user', text);
    await this.hub.emit(projectId, {
      type: 'message',
      id: message.id,
      role: 'user',
      content: text,
      createdAt: message.createdAt,
    });
    const lastPhase = row.phases.reduce((max, phase) => Math.max(max, phase.number), 0);
    const state = nextState(row.state, { type: 'generate' });
    row = await this.store.update(row, this.config.RUNNER_ID, {
      state,
      request: text,
      requestNumber: row.requestNumber + 1,
      requestModel: model,
      currentPhase: lastPhase + 1,
      filesInFlight: [],
      error: null,
    });
    await this.hub.emit(projectId, {
      type: 'state_change',
      state,
      previous: 'IDLE',
      request: row.requestNumber,
    });
    return row;
  }

  /** Stops a running generation; a project left busy by a dead runner is set IDLE. */
  async cancel(projectId: string): Promise<void> {
    const running = this.agents.get(projectId);
    if (running) {
      running.agent.cancel();
      await running.done;
      return;
    }
    const row = await this.take(projectId);
    try {
      if (!isBusyState(row.state)) return;
      await this.store.update(row, this.config.RUNNER_ID, {
        state: 'IDLE',
        filesInFlight: [],
        error: null,
      });
      await this.hub.emit(projectId, { type: 'state_change', state: 'IDLE', previous: row.state });
      await this.note(projectId, 'Stopped. The files written so far are kept.');
    } finally {
      await this.release(projectId);
    }
  }

  /**
   * Saves a user's edit of one file: to the database with a version, then to the sandbox (where
   * the dev server hot-reloads it). Refused while a generation runs. Answers the version.
   */
  async saveFile(projectId: string, path: string, content: string): Promise<number> {
    const problem = checkProjectPath(path);
    if (problem) {
      throw new AgentCommandError(
        ErrorCode.InvalidPath,
        `Cannot save ${JSON.stringify(path.slice(0, 200))}: ${problem.message}.`,
      );
    }
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > this.config.EDIT_FILE_MAX_BYTES) {
      throw new AgentCommandError(
        ErrorCode.FileTooLarge,
        `${path} is ${bytes} bytes; the largest file the editor may save (EDIT_FILE_MAX_BYTES) is ${this.config.EDIT_FILE_MAX_BYTES}.`,
      );
    }
    return this.whileIdle(projectId, async (row) => {
      const phase = row.currentPhase;
      const version = await this.history.saveEdit(projectId, this.config.RUNNER_ID, {
        path,
        content,
        phase,
      });
      await this.toSandbox(projectId, [{ path, content }]);
      await this.hub.emit(projectId, { type: 'file_end', path, content, phase });
      await this.announce(projectId, version);
      if (version.created)
        await this.note(projectId, `Edited ${path} (version ${version.number}).`);
      if (path === PACKAGE_JSON) await this.installPackageJson(projectId);
      return version.number;
    });
  }

  /** Makes the project's files those of `version` again, in the database and the sandbox. */
  async rollback(projectId: string, version: number): Promise<number> {
    return this.whileIdle(projectId, async (row) => {
      const phase = row.currentPhase;
      const restored = await this.history.restore(projectId, this.config.RUNNER_ID, version, phase);
      if (!restored) {
        throw new AgentCommandError(
          ErrorCode.VersionNotFound,
          `This project has no version ${version}.`,
        );
      }
      // A path the version lacks goes away, unless the starter has it: a starter file edited
      // after that version (package.json, say) is the starter's again, as a new sandbox has it.
      const starter = new Map((await this.templates.list()).map((file) => [file.path, file]));
      const writes: SandboxFile[] = [];
      const deletes: string[] = [];
      for (const file of restored.changed) {
        const write =
          file.content !== null ? { ...file, content: file.content } : starter.get(file.path);
        if (write) {
          writes.push(write);
        } else {
          deletes.push(file.path);
        }
      }
      await this.toSandbox(projectId, writes, deletes);
      for (const file of restored.changed) {
        await this.hub.emit(
          projectId,
          file.content === null
            ? { type: 'file_deleted', path: file.path, phase }
            : {
                type: 'file_end',
                path: file.path,
                content: file.content,
                phase,
                ...encodingOf(file.encoding),
              },
        );
      }
      await this.announce(projectId, restored.version);
      await this.note(
        projectId,
        `Restored version ${version} (${restored.changed.length} file${restored.changed.length === 1 ? '' : 's'} changed), saved as version ${restored.version.number}.`,
      );
      if (restored.changed.some((file) => file.path === PACKAGE_JSON))
        await this.installPackageJson(projectId);
      return restored.version.number;
    });
  }

  /**
   * Errors the project's preview reported from a browser: those of page loads that ran the
   * current code are kept for the checks, and the distinct current ones are shown to the user.
   */
  async runtimeErrors(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    if (!this.runtimeLog.add(projectId, errors)) {
      return;
    }
    const show = async () => {
      const problems = problemItems(runtimeProblems(this.runtimeLog.current(projectId)));
      await this.hub.emit(projectId, { type: 'problems', source: 'browser', problems });
      this.runtimeLog.shown(projectId, 'browser', problems.length > 0);
    };
    if (this.agents.has(projectId)) {
      await show();
      return;
    }
    try {
      await this.whileIdle(projectId, show);
    } catch (error) {
      // Kept for the checks all the same; the event is only for eyes on the project right now.
      if (!(error instanceof AgentCommandError)) {
        throw error;
      }
    }
  }

  /** Runs `work` holding the project's lease while no generation runs, then gives it back. */
  private async whileIdle<T>(
    projectId: string,
    work: (row: AgentSnapshotRow) => Promise<T>,
  ): Promise<T> {
    if (this.agents.has(projectId)) throw this.busy();
    const row = await this.take(projectId);
    try {
      if (isBusyState(row.state)) throw this.busy();
      return await work(row);
    } finally {
      await this.release(projectId);
    }
  }

  /** Writes into the project's sandbox; a sandbox that fails is reported, the save stands. */
  private async toSandbox(
    projectId: string,
    files: SandboxFile[],
    deleted: string[] = [],
  ): Promise<void> {
    try {
      const sandbox = await this.sandboxes.open(projectId);
      if (!sandbox) return;
      const left = await writeSandboxFiles(sandbox, files);
      await deleteSandboxFiles(sandbox, deleted);
      if (left.length) {
        await this.hub.emit(projectId, {
          type: 'log',
          stream: 'system',
          text: `Saved, but the preview runs without ${left.map((file) => `${file.path} (${file.reason})`).join('; ')}`,
        });
      }
    } catch (error) {
      this.logger.warn(`project ${projectId}: sandbox write failed: ${(error as Error).message}`);
      await this.hub.emit(projectId, {
        type: 'log',
        stream: 'system',
        text: `Saved, but the preview could not be updated: ${(error as Error).message}`,
      });
    }
  }

  /**
   * After an edit or a rollback changed package.json: installs what it lists in the sandbox, so
   * the preview finds the packages (the agent installs its own after each phase). A failed
   * install is reported; the saved file stands.
   */
  private async installPackageJson(projectId: string): Promise<void> {
    const report = (text: string) =>
      this.hub.emit(projectId, { type: 'log', stream: 'system', text });
    try {
      const sandbox = await this.sandboxes.open(projectId);
      if (!sandbox) return;
      await report('package.json changed: installing its dependencies.');
      const result = await sandbox.install();
      if (result.output)
        await this.hub.emit(projectId, { type: 'log', stream: 'install', text: result.output });
      if (!result.ok)
        await report(
          `Saved, but installing the dependencies of package.json failed (exit ${result.exitCode}): the preview may not find them.`,
        );
    } catch (error) {
      this.logger.warn(
        `project ${projectId}: install after package.json failed: ${(error as Error).message}`,
      );
      await report(
        `Saved, but the dependencies of package.json could not be installed: ${(error as Error).message}`,
      );
    }
  }

  /** A short entry in the chat (an edit, a restore, a stop), saved so a reload shows it. */
  private async note(projectId: string, content: string): Promise<void> {
    const message = await this.store.addMessage(projectId, 'system', content);
    await this.hub.emit(projectId, {
      type: 'message',
      id: message.id,
      role: 'system',
      content,
      createdAt: message.createdAt,
    });
  }

  private async announce(projectId: string, version: RecordedVersion): Promise<void> {
    const event = versionCreatedEvent(version);
    if (event) await this.hub.emit(projectId, event);
  }

  /**
   * Gives the project's lease back. Its numbering stays open: snapshots read the last seq from
   * it, and take() re-opens it from the database when another runner numbered since.
   */
  private async release(projectId: string): Promise<void> {
    const holds = (this.held.get(projectId) ?? 1) - 1;
    if (holds > 0) {
      this.held.set(projectId, holds);
      return;
    }
    this.held.delete(projectId);
    await this.leases.release(projectId, this.config.RUNNER_ID).catch((error: unknown) => {
      this.logger.warn(`could not release project ${projectId}: ${(error as Error).message}`);
    });
  }

  /** The agent working on a project in this runner, if any (for snapshots). */
  running(projectId: string): ProjectAgent | undefined {
    return this.agents.get(projectId)?.agent;
  }

  /** Resolves when the project's current generation in this runner has ended. */
  async settled(projectId: string): Promise<void> {
    await this.agents.get(projectId)?.done;
  }

  private busy(): AgentCommandError {
    return new AgentCommandError(
      ErrorCode.GenerationRunning,
      'A generation is running on this project; wait for it to finish or stop it first.',
    );
  }

  /** Takes the project's lease and loads its state. */
  private async take(projectId: string): Promise<AgentSnapshotRow> {
    const row = await this.store.load(projectId);
    if (!row) throw new AgentCommandError(ErrorCode.ProjectNotFound, 'No such project.');
    if (!(await this.leases.acquire(projectId, this.config.RUNNER_ID, this.config.LEASE_TTL_MS))) {
      throw new AgentCommandError(
        ErrorCode.ProjectLeasedElsewhere,
        'Another runner is working on this project.',
      );
    }
    this.held.set(projectId, (this.held.get(projectId) ?? 0) + 1);
    try {
      this.hub.open(projectId, row.lastSeq);
      return (await this.store.load(projectId))!;
    } catch (error) {
      await this.release(projectId);
      throw error;
    }
  }

  private start(row: AgentSnapshotRow): void {
    const agent = new ProjectAgent(row, {
      runnerId: this.config.RUNNER_ID,
      store: this.store,
      hub: this.hub,
      designer: this.designer,
      implementer: this.implementer,
      templates: this.templates,
      sandbox: () => this.sandboxes.open(row.projectId),
      history: this.history,
      runtimeErrors: this.runtimeLog,
      maxPhasesPerRequest: this.config.AGENT_MAX_PHASES,
      contextBudget: this.config.LLM_CONTEXT_MAX_CHARS,
      patchPreferredLines: this.config.AGENT_PATCH_PREFERRED_LINES,
      checks: {
        tsc: this.config.AGENT_CHECK_TSC,
        build: this.config.AGENT_CHECK_BUILD,
        timeoutMs: this.config.AGENT_CHECK_TIMEOUT_MS,
        runtimeWaitMs: this.config.AGENT_RUNTIME_ERROR_WAIT_MS,
        logMaxChars: this.config.AGENT_CHECK_LOG_MAX_CHARS,
        fixMaxAttempts: this.config.AGENT_FIX_MAX_ATTEMPTS,
      },
      registry: {
        url: this.config.NPM_REGISTRY_URL,
        timeoutMs: this.config.NPM_REGISTRY_TIMEOUT_MS,
        maxBytes: this.config.NPM_REGISTRY_MAX_BYTES,
      },
      databases: this.databases,
    });
    const done = agent
      .run()
      .catch((error: unknown) =>
        this.logger.error(`project ${row.projectId}: ${(error as Error)?.stack ?? error}`),
      )
      .finally(async () => {
        // Released before the agent leaves the map: a command arriving meanwhile is refused as
        // busy instead of taking a lease that this release would then drop.
        if (!this.shuttingDown) await this.release(row.projectId);
        this.agents.delete(row.projectId);
      });
    this.agents.set(row.projectId, { agent, done });
  }

  /** Renews our leases, drops agents whose lease was lost, resumes orphaned projects. */
  private async beat(): Promise<void> {
    try {
      const renewed = new Set(
        await this.leases.renew(
          this.config.RUNNER_ID,
          [...this.held.keys()],
          this.config.LEASE_TTL_MS,
        ),
      );
      for (const [projectId, { agent }] of this.agents)
        if (!renewed.has(projectId)) agent.abandon();
      if (this.shuttingDown) return;
      for (const projectId of await this.leases.orphans(this.config.RUNNER_ID, [
        ...this.held.keys(),
      ])) {
        if (this.agents.has(projectId)) continue;
        try {
          const row = await this.take(projectId);
          if (!isBusyState(row.state)) {
            await this.release(projectId);
            continue;
          }
          this.logger.log(
            `resuming project ${projectId} in ${row.state}, phase ${row.currentPhase}`,
          );
          this.start(row);
        } catch (error) {
          if (!(error instanceof AgentCommandError)) throw error;
        }
      }
    } catch (error) {
      this.logger.error(`heartbeat failed: ${(error as Error).message}`);
    }
  }
}

export { AgentFailure };
