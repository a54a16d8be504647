import { type DataSource } from 'typeorm';

/** A project's own database as Forge keeps it (app_databases): its name, role and password. */
export interface AppDatabaseRow {
  database_name: string;
  role_name: string;
  password: string;
}

/**
 * The rows of app_databases in Forge's database. The databases and roles themselves live on the
 * apps' server and are made and dropped there (the agent-runner's AppDatabaseAdmin).
 */
export class AppDatabaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The project's database, or null when it has none. */
  async find(projectId: string): Promise<AppDatabaseRow | null> {
    const rows: AppDatabaseRow[] = await this.dataSource.query(
      'SELECT database_name, role_name, password FROM app_databases WHERE project_id = $1',
      [projectId],
    );
    return rows[0] ?? null;
  }

  /** Records the project's new database; false when the project is gone (nothing recorded). */
  async insertIfProjectExists(projectId: string, row: AppDatabaseRow): Promise<boolean> {
    const rows: Pick<AppDatabaseRow, 'database_name'>[] = await this.dataSource.query(
      `INSERT INTO app_databases (project_id, database_name, role_name, password)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM projects WHERE id = $1)
       RETURNING database_name`,
      [projectId, row.database_name, row.role_name, row.password],
    );
    return rows.length > 0;
  }

  async remove(projectId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM app_databases WHERE project_id = $1', [projectId]);
  }

  /** Projects that have a database but are gone (deleted while no runner heard it). */
  async orphans(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT a.project_id::text AS id FROM app_databases a
       WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = a.project_id)`,
    );
    return rows.map((row) => row.id);
  }
}
