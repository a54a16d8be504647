import { Injectable } from '@nestjs/common';
import { ErrorCode, type LlmModelList, type RuntimeErrorReport } from '@forge/protocol';
import { isSandboxError, KeyedQueue, type SiteFile } from '@forge/sandbox';
import { AgentCommandError, projectNotFound } from '../agent/agent-command-error';
import { AgentStore } from '../agent/agent-store';
import { AgentSupervisor } from '../agent/agent-supervisor';
import { ProjectActivity } from '../agent/project-activity';
import { EventHub } from '../events/event-hub';
import { SandboxSessions } from '../sandbox/sandbox-sessions';

/**
 * generate and cancel as the link runs them: one at a time per project, each after the
 * project's previous generation in this runner has fully wound down (lease released).
 */
@Injectable()
export class LinkCommands {
  private readonly queues = new KeyedQueue();
  /** Generations running here, until their agent has ended and released the lease. */
  private readonly winding = new Map<string, Promise<void>>();

  constructor(
    private readonly supervisor: AgentSupervisor,
    private readonly activity: ProjectActivity,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
    private readonly sandboxes: SandboxSessions,
  ) {}

  /** Notes a generation running here (started by us or resumed by the supervisor). */
  observe(projectId: string): void {
    if (this.winding.has(projectId) || !this.supervisor.running(projectId)) {
      return;
    }
    const done = this.supervisor.settled(projectId).finally(() => this.winding.delete(projectId));
    this.winding.set(projectId, done);
  }

  /**
   * Starts a generation. A request while one runs is refused, not queued: a follow-up is
   * written against the finished files, and the user can stop the running one first.
   */
  generate(projectId: string, description: string, model?: string): Promise<void> {
    return this.serially(projectId, async () => {
      await this.whenIdle(projectId);
      await this.supervisor.generate(projectId, description, model);
      this.observe(projectId);
    });
  }

  /** The models a request may name (the LLM server's list). */
  models(): Promise<LlmModelList> {
    return this.supervisor.listModels();
  }

  /** Stops the project's generation; nothing to stop is not an error. */
  cancel(projectId: string): Promise<void> {
    return this.serially(projectId, async () => {
      if (!this.supervisor.running(projectId)) {
        await this.winding.get(projectId);
        const row = await this.store.load(projectId);
        if (!row) {
          throw projectNotFound();
        }
        if (!this.activity.isBusy(row)) {
          return;
        }
        this.renumber(projectId);
      }
      await this.supervisor.cancel(projectId);
    });
  }

  /** Saves a user's edit; refused while a generation runs. Answers the version it made. */
  saveFile(projectId: string, path: string, content: string): Promise<number> {
    return this.serially(projectId, async () => {
      await this.whenIdle(projectId);
      return this.supervisor.saveFile(projectId, path, content);
    });
  }

  /** Restores a version's files; refused while a generation runs. Answers the version it made. */
  rollback(projectId: string, version: number): Promise<number> {
    return this.serially(projectId, async () => {
      await this.whenIdle(projectId);
      return this.supervisor.rollback(projectId, version);
    });
  }

  /**
   * Errors a preview reported: kept for the agent's checks and shown to the user. With no
   * generation here, they wait their turn like an edit, since showing them takes the lease.
   */
  runtimeErrors(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    if (this.supervisor.running(projectId)) {
      return this.supervisor.runtimeErrors(projectId, errors);
    }
    return this.serially(projectId, async () => {
      if (!this.supervisor.running(projectId)) {
        await this.winding.get(projectId);
        this.renumber(projectId);
      }
      await this.supervisor.runtimeErrors(projectId, errors);
    });
  }

  /** Wakes the project's dev server; a deleted project's sandbox is not made again. */
  async previewUrl(projectId: string): Promise<string | null> {
    if (!(await this.store.load(projectId))) {
      throw projectNotFound();
    }
    return this.sandboxes.devServerUrl(projectId);
  }

  /**
   * Builds one of the project's versions into a static site in its sandbox (beside the
   * workspace's own files, which stay as they are) for publishing. Runs beside a generation:
   * it reads a stored version, never the files being written.
   */
  async publishBuild(
    projectId: string,
    version: number,
    limits: { maxBytes: number; maxFiles: number; maxServerBytes: number; timeoutMs: number },
  ): Promise<{ files: SiteFile[]; server: Buffer | null }> {
    if (!(await this.store.load(projectId))) {
      throw projectNotFound();
    }
    const files = await this.store.versionFiles(projectId, version);
    if (!files) {
      throw new AgentCommandError(
        ErrorCode.VersionNotFound,
        `The project has no version ${version}.`,
      );
    }
    const sandbox = await this.sandboxes.open(projectId);
    if (!sandbox?.buildSite) {
      throw new AgentCommandError(
        ErrorCode.PublishUnsupported,
        'This server’s sandboxes cannot build apps for publishing (SANDBOX_PROVIDER).',
      );
    }
    try {
      const built = await sandbox.buildSite(files, limits);
      if (!built.ok) {
        throw new AgentCommandError(
          ErrorCode.PublishBuildFailed,
          `The app's build failed:\n${built.output.slice(-4_000)}`,
        );
      }
      return { files: built.files, server: built.server };
    } catch (error) {
      if (isSandboxError(error, 'TOO_MANY_FILES') || isSandboxError(error, 'FILE_TOO_LARGE')) {
        throw new AgentCommandError(ErrorCode.PublishTooLarge, error.message);
      }
      if (isSandboxError(error)) {
        throw new AgentCommandError(ErrorCode.PublishBuildFailed, error.message);
      }
      throw error;
    }
  }

  /**
   * The project was deleted: its agent here stops without writing (its rows are gone), its
   * numbering is forgotten and its sandbox destroyed, dev server and workspace included.
   */
  destroy(projectId: string): Promise<void> {
    return this.serially(projectId, async () => {
      this.supervisor.running(projectId)?.abandon();
      await this.supervisor.settled(projectId);
      await this.winding.get(projectId);
      this.hub.close(projectId);
      await this.sandboxes.destroy(projectId);
    });
  }

  /**
   * Refuses when the project is busy (ProjectActivity); otherwise waits for the last generation
   * here to wind down.
   */
  private async whenIdle(projectId: string): Promise<void> {
    this.activity.refuseIfRunning(projectId);
    await this.winding.get(projectId);
    const row = await this.store.load(projectId);
    if (!row) {
      throw projectNotFound();
    }
    this.activity.refuseIfBusy(row);
    this.renumber(projectId);
  }

  /**
   * Forgets this runner's numbering of an idle project, so that the next take numbers past
   * the reservation in agent_states.last_seq. A runner that numbered the project before and
   * took it again would otherwise go on below that mark, under a snapshot that another runner
   * served from the database with last_seq as its seq, and those events would be dropped.
   */
  private renumber(projectId: string): void {
    if (!this.supervisor.running(projectId)) {
      this.hub.close(projectId);
    }
  }

  private serially<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    return this.queues.run(projectId, work);
  }
}
