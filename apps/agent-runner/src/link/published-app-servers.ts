import { Injectable } from '@nestjs/common';
import { PublicationRepository } from '@forge/db';
import { ErrorCode } from '@forge/protocol';
import { isSandboxError } from '@forge/sandbox';
import { AgentCommandError } from '../agent/agent-command-error';
import { AppDatabases } from '../app-database/app-databases';
import { SandboxSessions } from '../sandbox/sandbox-sessions';

/**
 * The server parts of published apps on this runner's provider: started on the first request
 * to a published app's /api (and again after a crash or a runner restart), with the project's
 * DATABASE_URL, from the bundle kept with the publication; replaced when another build is live.
 */
@Injectable()
export class PublishedAppServers {
  constructor(
    private readonly sandboxes: SandboxSessions,
    private readonly publications: PublicationRepository,
    private readonly databases: AppDatabases,
  ) {}

  /** Where the project's live build's server part answers, started first when needed. */
  async url(projectId: string): Promise<string> {
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

  /** Stops the project's server part (unpublished); nothing running is not an error. */
  async stop(projectId: string): Promise<void> {
    await this.sandboxes.appServers?.stop(projectId);
  }
}
