import { type DataSource, type EntityManager } from 'typeorm';

/** A share link's project, as its page and a remix read it. */
export interface SharedProjectRow {
  project_id: string;
  name: string;
  description: string;
}

/** Read-only share links (share_links). */
export class ShareLinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The project's links, oldest first. */
  list(projectId: string): Promise<{ token: string; created_at: Date }[]> {
    return this.dataSource.query(
      `SELECT token, created_at FROM share_links WHERE project_id = $1 ORDER BY created_at, token`,
      [projectId],
    );
  }

  async count(manager: EntityManager, projectId: string): Promise<number> {
    const [row]: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM share_links WHERE project_id = $1`,
      [projectId],
    );
    return row!.count;
  }

  /** Adds a link; when it was created. */
  async create(manager: EntityManager, token: string, projectId: string): Promise<Date> {
    const [row]: { created_at: Date }[] = await manager.query(
      `INSERT INTO share_links (token, project_id) VALUES ($1, $2) RETURNING created_at`,
      [token, projectId],
    );
    return row!.created_at;
  }

  /** True when the project had the link. */
  async remove(projectId: string, token: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM share_links WHERE token = $1 AND project_id = $2`,
      [token, projectId],
    );
    return result[1] !== 0;
  }

  async shared(token: string): Promise<SharedProjectRow | null> {
    const rows: SharedProjectRow[] = await this.dataSource.query(
      `SELECT s.project_id, p.name, p.description
       FROM share_links s JOIN projects p ON p.id = s.project_id WHERE s.token = $1`,
      [token],
    );
    return rows[0] ?? null;
  }

  /**
   * As shared(), the project and link rows held FOR SHARE until `manager`'s transaction ends.
   * The project's row is taken first, as a deletion takes it before its links (by cascade):
   * holding the link while waiting for the project would deadlock with that deletion.
   */
  async holdShared(manager: EntityManager, token: string): Promise<SharedProjectRow | null> {
    const [link]: Pick<SharedProjectRow, 'project_id'>[] = await manager.query(
      `SELECT project_id FROM share_links WHERE token = $1`,
      [token],
    );
    if (!link) {
      return null;
    }
    const [project]: SharedProjectRow[] = await manager.query(
      `SELECT id AS project_id, name, description FROM projects WHERE id = $1 FOR SHARE`,
      [link.project_id],
    );
    if (!project) {
      return null;
    }
    // The link may have been revoked while the project's row was awaited.
    const held: unknown[] = await manager.query(
      `SELECT 1 FROM share_links WHERE token = $1 AND project_id = $2 FOR SHARE`,
      [token, link.project_id],
    );
    return held.length > 0 ? project : null;
  }
}
