import { type DataSource, type EntityManager } from 'typeorm';

/**
 * Project leases in agent_states: a runner works on a project only while it holds the lease
 * (owner + expiry), renews it by heartbeat, and any runner may take an expired one.
 */
export class LeaseRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  /** Extends the runner's leases on `projectIds`; returns those still held. */
  async renew(runnerId: string, projectIds: string[], ttlMs: number): Promise<string[]> {
    if (projectIds.length === 0) {
      return [];
    }
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
   * `runnerId` while it holds none of `held`.
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

  /** The runner whose lease on the project is current, or null when none is. */
  async owner(projectId: string): Promise<string | null> {
    const rows: { lease_owner: string }[] = await this.dataSource.query(
      `SELECT lease_owner FROM agent_states
       WHERE project_id = $1 AND lease_owner IS NOT NULL AND lease_expires_at > now()`,
      [projectId],
    );
    return rows[0]?.lease_owner ?? null;
  }

  /**
   * Locks the project's state row (FOR UPDATE, inside `manager`'s transaction) when it is leased
   * to `runnerId`; false when it is not.
   */
  async lockHeld(manager: EntityManager, projectId: string, runnerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM agent_states WHERE project_id = $1 AND lease_owner = $2 FOR UPDATE`,
      [projectId, runnerId],
    );
    return rows.length > 0;
  }
}
