import { Inject, Injectable, Logger } from '@nestjs/common';
import { LeaseRepository } from '@forge/db';
import { ErrorCode } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { AgentCommandError, projectNotFound } from './agent-command-error';
import { type AgentSnapshotRow, AgentStore } from './agent-store';

/**
 * The leases this runner holds on projects for work under way (a generation, a command), with
 * how many holds each: only these are renewed, so a lease whose work ended without giving it
 * back (the database was gone) lapses, and the heartbeat resumes what it left.
 */
@Injectable()
export class ProjectLeases {
  private readonly logger = new Logger(ProjectLeases.name);
  private readonly held = new Map<string, number>();

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly store: AgentStore,
    private readonly leases: LeaseRepository,
    private readonly hub: EventHub,
  ) {}

  /** Takes the project's lease and loads its state. */
  async take(projectId: string): Promise<AgentSnapshotRow> {
    const row = await this.store.load(projectId);
    if (!row) {
      throw projectNotFound();
    }
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

  /**
   * Gives the project's lease back. Its numbering stays open: snapshots read the last seq from
   * it, and take() re-opens it from the database when another runner numbered since.
   */
  async release(projectId: string): Promise<void> {
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

  /** Renews the leases held here; answers the projects whose lease is still ours. */
  async renew(): Promise<Set<string>> {
    const { RUNNER_ID, LEASE_TTL_MS } = this.config;
    return new Set(await this.leases.renew(RUNNER_ID, [...this.held.keys()], LEASE_TTL_MS));
  }

  /** Projects whose lease lapsed (their runner died) and that this runner does not hold. */
  orphans(): Promise<string[]> {
    return this.leases.orphans(this.config.RUNNER_ID, [...this.held.keys()]);
  }
}
