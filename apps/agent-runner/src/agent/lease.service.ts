import { Injectable } from '@nestjs/common';
import { LeaseRepository } from '@forge/db';

/**
 * Project leases in agent_states: a runner works on a project only while it holds the lease
 * (owner + expiry), renews it by heartbeat, and any runner may take an expired one.
 */
@Injectable()
export class LeaseService {
  constructor(private readonly leases: LeaseRepository) {}

  /** Takes the lease if it is free, expired or already ours. */
  acquire(projectId: string, runnerId: string, ttlMs: number): Promise<boolean> {
    return this.leases.acquire(projectId, runnerId, ttlMs);
  }

  /**
   * Extends this runner's leases on `projectIds` (the projects it works on right now); returns
   * those still held. A lease of ours on anything else is left to lapse: its work ended.
   */
  async renew(runnerId: string, projectIds: string[], ttlMs: number): Promise<string[]> {
    if (projectIds.length === 0) return [];
    return this.leases.renew(runnerId, projectIds, ttlMs);
  }

  release(projectId: string, runnerId: string): Promise<void> {
    return this.leases.release(projectId, runnerId);
  }

  /**
   * Projects mid-generation that no runner works on: lease free or expired, or leased to
   * `runnerId` itself while it holds none of `held` (its run there stopped, e.g. when the
   * database went away, and could not give the lease back): this runner may resume them.
   */
  orphans(runnerId: string, held: string[]): Promise<string[]> {
    return this.leases.orphans(runnerId, held);
  }
}
