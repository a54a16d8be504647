import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ProjectRepository } from '@forge/db';
import { AppDatabases } from '../app-database/app-databases';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { SerialPass } from '../common/serial-pass';
import { SandboxSessions } from './sandbox-sessions';

/**
 * Destroys the sandboxes of projects that are no longer in the database: a project deleted
 * while no runner was linked, or while the runner that held it was down, leaves its
 * workspace, dev server or container behind. Runs at start-up and every
 * SANDBOX_REAP_INTERVAL_SECONDS. The sandboxes are listed before the database is asked, so a
 * project created meanwhile is in the database by the time its sandbox could be listed.
 */
@Injectable()
export class SandboxReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SandboxReaper.name);
  private readonly passes = new SerialPass(() => this.pass(), [], this.logger, 'reaping sandboxes');

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly projects: ProjectRepository,
    private readonly sandboxes: SandboxSessions,
    private readonly databases: AppDatabases,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.SANDBOX_REAP_INTERVAL_SECONDS * 1000;
    if (intervalMs === 0) {
      return;
    }
    void this.reap();
    this.passes.every(intervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass, after the one running if any; answers the projects whose sandboxes went. */
  reap(): Promise<string[]> {
    return this.passes.run();
  }

  private async pass(): Promise<string[]> {
    // Databases too: a project may have one and no sandbox (SANDBOX_PROVIDER=none, reaped).
    const databases = await this.databases.reap().catch((error: unknown) => {
      this.logger.warn(`reaping app databases failed: ${(error as Error).message}`);
      return [];
    });
    return [...new Set([...databases, ...(await this.sandboxPass())])];
  }

  private async sandboxPass(): Promise<string[]> {
    const ids = await this.sandboxes.projectIds();
    if (ids.length === 0) {
      return [];
    }
    const alive = await this.projects.existing(ids);
    const gone = ids.filter((id) => !alive.has(id));
    for (const projectId of gone) {
      try {
        await this.sandboxes.destroy(projectId);
        this.logger.log(`destroyed the sandbox of deleted project ${projectId}`);
      } catch (error) {
        this.logger.warn(`could not destroy the sandbox of ${projectId}: ${String(error)}`);
      }
    }
    return gone;
  }
}
