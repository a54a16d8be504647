import { type DataSource } from 'typeorm';
import { type SecretCipher } from '../secret-cipher';

/** What one project's database is called on the apps' server, and how its role signs in. */
export interface AppDatabaseCredentials {
  database: string;
  role: string;
  password: string;
}

/**
 * Starts a password sealed with APPS_DATABASE_KEY (the rest: SecretCipher's base64, bound to
 * the project id). A row without it was written before passwords were sealed and holds the
 * password itself, which never has a colon (base64url); it is sealed when first read.
 */
const SEALED_PREFIX = 'aes-256-gcm:';

interface StoredRow {
  database_name: string;
  role_name: string;
  password: string;
}

/**
 * The rows of app_databases in Forge's database: each project's database name, role and the
 * role's password, sealed at rest. The databases and roles themselves live on the apps' server
 * and are made and dropped there (the agent-runner's AppDatabaseAdmin).
 */
export class AppDatabaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The project's credentials with the password opened, or null when it has none. Throws
   * SecretCipherError (naming the key) when `cipher`'s key is not the one that sealed it.
   */
  async find(projectId: string, cipher: SecretCipher): Promise<AppDatabaseCredentials | null> {
    const rows: StoredRow[] = await this.dataSource.query(
      'SELECT database_name, role_name, password FROM app_databases WHERE project_id = $1',
      [projectId],
    );
    const row = rows[0];
    if (!row) {
      return null;
    }
    return {
      database: row.database_name,
      role: row.role_name,
      password: await this.openPassword(projectId, row.password, cipher),
    };
  }

  /** Records the project's new database; false when the project is gone (nothing recorded). */
  async insertIfProjectExists(
    projectId: string,
    credentials: AppDatabaseCredentials,
    cipher: SecretCipher,
  ): Promise<boolean> {
    const rows: Pick<StoredRow, 'database_name'>[] = await this.dataSource.query(
      `INSERT INTO app_databases (project_id, database_name, role_name, password)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM projects WHERE id = $1)
       RETURNING database_name`,
      [
        projectId,
        credentials.database,
        credentials.role,
        seal(projectId, credentials.password, cipher),
      ],
    );
    return rows.length > 0;
  }

  async exists(projectId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM app_databases WHERE project_id = $1',
      [projectId],
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

  private async openPassword(
    projectId: string,
    stored: string,
    cipher: SecretCipher,
  ): Promise<string> {
    if (stored.startsWith(SEALED_PREFIX)) {
      return cipher.open(stored.slice(SEALED_PREFIX.length), projectId);
    }
    // A migration cannot seal (it has no key): the first reader does, only if the row still
    // holds that plaintext, so a reader racing it changes nothing.
    await this.dataSource.query(
      'UPDATE app_databases SET password = $3 WHERE project_id = $1 AND password = $2',
      [projectId, stored, seal(projectId, stored, cipher)],
    );
    return stored;
  }
}

function seal(projectId: string, password: string, cipher: SecretCipher): string {
  return `${SEALED_PREFIX}${cipher.seal(password, projectId)}`;
}
