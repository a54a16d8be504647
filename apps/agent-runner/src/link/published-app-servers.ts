import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PublicationRepository } from '@forge/db';
import { ErrorCode, ProjectIdSchema } from '@forge/protocol';
import { isSandboxError, KeyedQueue } from '@forge/sandbox';
import { AgentCommandError } from '../agent/agent-command-error';
import { AppDatabases } from '../app-database/app-databases';
import { SerialPass } from '../common/serial-pass';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { SandboxSessions } from '../sandbox/sandbox-sessions';

/** The longest pause between two looks for idle server parts, in ms. */
const IDLE_CHECK_MAX_MS = 60_000;

/** Where a server part answers, and how long the API may go on using that answer. */
export interface AppServerAddress {
  url: string;
  /** Ask again (it counts as a use) once this long has passed; null: the answer holds. */
  renewMs: number | null;
}

/**
 * The server parts of published apps on this runner's provider: started on the first request
 * to a published app's /api (and again after a crash or a runner restart), with the project's
 * DATABASE_URL, from the bundle kept with the publication; replaced when another build is live.
 *
 * A server part nobody asked for within PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS stops; the next
 * request starts it again. Every ask is written to the publication (server_used_at), so all
 * runners and API replicas share one clock of use, and an API uses an answer for a quarter of
 * the timeout at most before asking again: a server part an API is sending requests to has
 * been asked for within that quarter, and is never the one stopped.
 */
@Injectable()
export class PublishedAppServers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PublishedAppServers.name);
  /** Asks and idle stops of a project, one at a time on this runner. */
  private readonly queue = new KeyedQueue();
  private readonly idleMs: number;
  /** What an answer tells the API: a quarter of the idle timeout (null: never idle). */
  private readonly renewMs: number | null;
  private readonly idleChecks = new SerialPass(
    () => this.idlePass(),
    [],
    this.logger,
    'stopping idle app servers',
  );

  constructor(
    @Inject(RUNNER_CONFIG) config: RunnerConfig,
    private readonly sandboxes: SandboxSessions,
    private readonly publications: PublicationRepository,
    private readonly databases: AppDatabases,
  ) {
    this.idleMs = config.PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS * 1000;
    this.renewMs = this.idleMs === 0 ? null : Math.floor(this.idleMs / 4);
  }

  onApplicationBootstrap(): void {
    if (this.renewMs === null || !this.sandboxes.appServers) {
      return;
    }
    // As often as an API asks again, at most once a minute.
    this.idleChecks.every(Math.max(250, Math.min(IDLE_CHECK_MAX_MS, this.renewMs)));
  }

  onApplicationShutdown(): Promise<void> {
    return this.idleChecks.stop();
  }

  /** Where the project's live build's server part answers, started first when needed. */
  address(projectId: string): Promise<AppServerAddress> {
    return this.queue.run(projectId, async () => {
      await this.publications.markServerUsed(projectId);
      const url = await this.url(projectId);
      return { url, renewMs: this.renewMs };
    });
  }

  /** Stops the project's server part (unpublished); nothing running is not an error. */
  async stop(projectId: string): Promise<void> {
    await this.sandboxes.appServers?.stop(projectId);
  }

  /**
   * One look for idle server parts: those the provider runs that nobody asked for within the
   * timeout (or whose app was unpublished meanwhile) stop. Answers the projects stopped.
   */
  stopIdle(): Promise<string[]> {
    return this.idleChecks.run();
  }

  private async idlePass(): Promise<string[]> {
    const servers = this.sandboxes.appServers;
    if (!servers || this.idleMs === 0) {
      return [];
    }
    // Labels are anyone's to set on a shared host: only project ids go to the database.
    const running = (await servers.list()).filter((id) => ProjectIdSchema.safeParse(id).success);
    const stopped: string[] = [];
    for (const projectId of await this.publications.idleServers(running, this.idleMs)) {
      // Asked again, checked again: an ask on this runner since the list is not undone.
      const idle = await this.queue.run(projectId, async () => {
        const still = await this.publications.idleServers([projectId], this.idleMs);
        if (still.length > 0) {
          await servers.stop(projectId);
        }
        return still.length > 0;
      });
      if (idle) {
        this.logger.log(`stopped the idle server part of project ${projectId}`);
        stopped.push(projectId);
      }
    }
    return stopped;
  }

  private async url(projectId: string): Promise<string> {
    const servers = this.sandboxes.appServers;
    if (!servers) {
      throw new AgentCommandError(
        ErrorCode.PublishUnsupported,
        "This server's sandboxes cannot run published apps' server parts (SANDBOX_PROVIDER).",
      );
    }
    const live = await this.publications.findByProject(projectId);
    const running = await servers.current(projectId);
    if (live && running?.buildId === live.buildId) {
      return running.url;
    }
    const part = await this.publications.serverPart(projectId);
    if (!part) {
      throw new AgentCommandError(
        ErrorCode.ProjectNotFound,
        'The project has no published app with a server part.',
      );
    }
    try {
      return await servers.ensure({
        projectId,
        buildId: part.build_id,
        bundle: part.server_bundle,
        env: await this.databases.sandboxEnv(projectId),
      });
    } catch (error) {
      if (isSandboxError(error)) {
        throw new AgentCommandError(ErrorCode.DevServerFailed, error.message);
      }
      throw error;
    }
  }
}
