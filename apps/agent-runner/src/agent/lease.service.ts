import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/**
 * Project leases in agent_states: a runner works on a project only while it holds the lease
 * (owner + expiry), renews it by heartbeat, and any runner may take an expired one.
 */
@Injectable()
export class LeaseService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes the lease if it is free, expired or already ours. */
  async acquire(projectId: string, runnerId: string, ttlMs: number): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [unknown[], number] = await this.dataSource.query(
      `UPDATE agent_states SET lease_owner = $2, lease_expires_at = now() + ($3 * interval '1 millisecond')
       WHERE project_id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
       RETURNING project_id`,
      [projectId, runnerId, ttlMs],
    );
    return rows.length > 0;
  }

  /**
   * Extends this runner's leases on `projectIds` (the projects it works on right now); returns
   * those still held. A lease of ours on anything else is left to lapse: its work ended.
   */
  async renew(runnerId: string, projectIds: string[], ttlMs: number): Promise<string[]> {
    if (projectIds.length === 0) return [];
    const [rows]: [{ project_id: string }[], number] = await this.dataSource.query(
      `UPDATE agent_states SET lease_expires_at = now() + ($2 * interval '1 millisecond')
       WHERE lease_owner = $1 AND project_id = ANY($3::uuid[]) RETURNING project_id`,
      [runnerId, ttlMs, projectIds],
    );
    return rows.map((row) => row.project_id);
  }

  async release(projectId: string, runnerId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE agent_states SET lease_owner = NULL, lease_expires_at = NULL WHERE project_id = $1 AND lease_owner = $2`,
      [projectId, runnerId],
    );
  }

  /**
   * Projects mid-generation that no runner works on: lease free or expired, or leased to
   * `runnerId` itself while it holds none of `held` (its run there stopped, e.g. when the
   * database went away, and could not give the lease back): this runner may resume them.
   */
  async orphans(runnerId: string, held: string[]): Promise<string[]> {
    const rows: { project_id: string }[] = await this.dataSource.query(
      `SELECT project_id FROM agent_states
       WHERE state NOT IN ('IDLE', 'COMPLETE')
         AND (lease_owner IS NULL OR lease_expires_at < now()
              OR (lease_owner = $1 AND NOT project_id = ANY($2::uuid[])))
       ORDER BY updated_at`,
      [runnerId, held],
    );
    return rows.map((row) => row.project_id);
  }
}
