import { Inject, Injectable, Logger } from '@nestjs/common';
import { isBusyState } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { AgentCommandError } from './agent-command-error';
import { ProjectLeases } from './project-leases';
import { RunningAgents } from './running-agents';

/**
 * Every LEASE_HEARTBEAT_MS: renews this runner's leases, stops the agents whose lease was
 * lost, and resumes, from their saved state, busy projects whose runner died.
 */
@Injectable()
export class LeaseHeartbeat {
  private readonly logger = new Logger(LeaseHeartbeat.name);
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private beatRunning = false;
  private stopped = false;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly leases: ProjectLeases,
    private readonly agents: RunningAgents,
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.LEASE_HEARTBEAT_MS);
  }

  /** No beat after this; resolves once the one under way, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.beating;
  }

  /** Starts a beat unless one still runs: a slow database must not start two resumes of one project. */
  private tick(): void {
    if (this.beatRunning) {
      return;
    }
    this.beatRunning = true;
    this.beating = this.beat().finally(() => {
      this.beatRunning = false;
    });
  }

  private async beat(): Promise<void> {
    try {
      const renewed = await this.leases.renew();
      for (const projectId of this.agents.projects()) {
        if (!renewed.has(projectId)) {
          this.agents.get(projectId)?.abandon();
        }
      }
      if (this.stopped) {
        return;
      }
      for (const projectId of await this.leases.orphans()) {
        if (this.agents.has(projectId)) {
          continue;
        }
        await this.resume(projectId);
      }
    } catch (error) {
      this.logger.error(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  /** Takes an orphaned project and runs its agent from its saved state, when it is busy. */
  private async resume(projectId: string): Promise<void> {
    try {
      const row = await this.leases.take(projectId);
      // The saved state alone says whether a generation was left under way.
      if (!isBusyState(row.state)) {
        await this.leases.release(projectId);
        return;
      }
      this.logger.log(`resuming project ${projectId} in ${row.state}, phase ${row.currentPhase}`);
      this.agents.start(row);
    } catch (error) {
      if (!(error instanceof AgentCommandError)) {
        throw error;
      }
    }
  }
}
