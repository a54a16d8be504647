import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type DataSource } from 'typeorm';
import { appDatabaseName, appDatabaseUrl } from './app-database-admin';
import { AppDatabases } from './app-databases';
import { migrationChecksum } from './app-migrations';
import {
  type AppDatabaseStack,
  connectError,
  startAppDatabaseStack,
} from './testing/app-database-stack';
import { type PasswordPostgres } from './testing/password-postgres';

const TIMEOUT_MS = 1_000;

describe(AppDatabases.name, () => {
  let stack: AppDatabaseStack;
  let pg: PasswordPostgres;
  let forgeUrl: string;
  let dataSource: DataSource;
  let databases: AppDatabases;
  let newProject: () => Promise<string>;

  beforeAll(async () => {
    stack = await startAppDatabaseStack();
    ({ pg, forgeUrl, dataSource, newProject } = stack);
    databases = stack.databases({
      APPS_DATABASE_MIGRATION_TIMEOUT_MS: String(TIMEOUT_MS),
      APPS_DATABASE_CONNECTION_LIMIT: '4',
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** The project's own URL, as the runner reaches the server. */
  async function ownUrl(projectId: string): Promise<string> {
    const credentials = await databases.credentials(projectId);
    if (!credentials) {
      throw new Error(`project ${projectId} has no database`);
    }
    return appDatabaseUrl(pg.adminUrl, credentials);
  }

  const migrations = (entries: Record<string, string>) =>
    new Map(Object.entries(entries).map(([name, sql]) => [`db/migrations/${name}`, sql]));

  it('creates a database and a limited role that only its password opens, once', async () => {
    const projectId = await newProject();
    const first = await databases.ensure(projectId);
    expect(first.created).toBe(true);
    expect(first.credentials.database).toBe(appDatabaseName(projectId));
    const again = await databases.ensure(projectId);
    expect(again).toEqual({ credentials: first.credentials, created: false });

    const url = await ownUrl(projectId);
    const [me] = await pg.query<{ user: string; db: string }>(
      url,
      'SELECT current_user AS user, current_database() AS db',
    );
    expect(me).toEqual({ user: first.credentials.role, db: first.credentials.database });
    const [role] = await pg.query<Record<string, unknown>>(
      pg.adminUrl,
      `SELECT rolsuper, rolcreatedb, rolcreaterole, rolconnlimit FROM pg_roles WHERE rolname = $1`,
      [first.credentials.role],
    );
    expect(role).toEqual({
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolconnlimit: 4,
    });
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    expect(await connectError(wrong.toString())).toMatch(/password authentication failed/);
    expect((await databases.sandboxEnv(projectId)).DATABASE_URL).toBe(url);
  });

  it('applies new migrations in name order as the project role, once each, and records them', async () => {
    const projectId = await newProject();
    await databases.ensure(projectId);
    const files = migrations({
      '002-seed.sql': `INSERT INTO notes (text, author) VALUES ('hello', current_user);`,
      '001-create-notes.sql':
        'CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL, author text);',
    });
    files.set('src/App.tsx', 'export default 1;');
    const run = await databases.migrate(projectId, files);
    expect(run).toMatchObject({ applied: ['001-create-notes.sql', '002-seed.sql'], problems: [] });
    expect(run!.sizeBytes).toBeGreaterThan(0);

    const url = await ownUrl(projectId);
    const credentials = (await databases.credentials(projectId))!;
    expect(await pg.query(url, 'SELECT text, author FROM notes')).toEqual([
      { text: 'hello', author: credentials.role },
    ]);
    const recorded = await pg.query<{ name: string; checksum: string }>(
      url,
      'SELECT name, checksum FROM forge_migrations ORDER BY name',
    );
    expect(recorded).toEqual([
      {
        name: '001-create-notes.sql',
        checksum: migrationChecksum(files.get('db/migrations/001-create-notes.sql')!),
      },
      {
        name: '002-seed.sql',
        checksum: migrationChecksum(files.get('db/migrations/002-seed.sql')!),
      },
    ]);

    const rerun = await databases.migrate(projectId, files);
    expect(rerun).toMatchObject({ applied: [], problems: [] });
    files.set(
      'db/migrations/003-add-column.sql',
      'ALTER TABLE notes ADD COLUMN stars int NOT NULL DEFAULT 0;',
    );
    expect((await databases.migrate(projectId, files))?.applied).toEqual(['003-add-column.sql']);
    expect(await pg.query(url, 'SELECT text, stars FROM notes')).toEqual([
      { text: 'hello', stars: 0 },
    ]);
  });

  it('tells an edited applied migration and a misnamed one, and runs neither', async () => {
    const projectId = await newProject();
    await databases.ensure(projectId);
    const files = migrations({ '001-a.sql': 'CREATE TABLE a (id int);' });
    await databases.migrate(projectId, files);
    files.set('db/migrations/001-a.sql', 'CREATE TABLE a (id int, name text);');
    files.set('db/migrations/add-b.sql', 'CREATE TABLE b (id int);');
    const run = await databases.migrate(projectId, files);
    expect(run?.applied).toEqual([]);
    expect(run?.problems.map((p) => [p.source, p.code, p.path])).toEqual([
      ['migration', 'MIGRATION_NAME', 'db/migrations/add-b.sql'],
      ['migration', 'MIGRATION_EDITED', 'db/migrations/001-a.sql'],
    ]);
    expect(run?.problems[1]?.message).toMatch(/changed after it was applied.*new migration/);
  });

  describe('refuses a bad migration with a clear error, and touches nothing else', () => {
    let projectId: string;
    let url: string;

    beforeAll(async () => {
      projectId = await newProject();
      await databases.ensure(projectId);
      url = await ownUrl(projectId);
    });

    async function failing(sql: string, also: Record<string, string> = {}) {
      const run = await databases.migrate(
        projectId,
        migrations({
          '001-ok.sql': 'CREATE TABLE IF NOT EXISTS kept (id int);',
          '002-bad.sql': sql,
          ...also,
        }),
      );
      expect(run?.problems).toHaveLength(1);
      const names = await pg.query<{ name: string }>(
        url,
        'SELECT name FROM forge_migrations ORDER BY name',
      );
      expect(names.map((row) => row.name)).toEqual(['001-ok.sql']);
      return run!.problems[0]!;
    }

    async function forgeIntact(): Promise<void> {
      const [{ count }] = await pg.query<{ count: number }>(
        forgeUrl,
        'SELECT count(*)::int AS count FROM projects',
      );
      expect(count).toBeGreaterThan(0);
    }

    it('a syntax error: its file and line, nothing of it applied, later ones waiting', async () => {
      const problem = await failing('CREATE TABLE half (id int);\nCREAT TABLE oops (id int);', {
        '003-later.sql': 'CREATE TABLE later (id int);',
      });
      expect(problem).toMatchObject({
        source: 'migration',
        path: 'db/migrations/002-bad.sql',
        line: 2,
        code: '42601',
      });
      expect(problem.text).toMatch(
        /^db\/migrations\/002-bad\.sql:2 - migration failed: syntax error at or near "CREAT"/,
      );
      const tables = await pg.query<{ name: string }>(
        url,
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      );
      expect(tables.map((t) => t.name)).toEqual(['forge_migrations', 'kept']);
    });

    it('one that runs past APPS_DATABASE_MIGRATION_TIMEOUT_MS', async () => {
      const problem = await failing('CREATE TABLE slow (id int);\nSELECT pg_sleep(30);');
      expect(problem.message).toMatch(
        new RegExp(`longer than ${TIMEOUT_MS} ms \\(APPS_DATABASE_MIGRATION_TIMEOUT_MS\\)`),
      );
      const [{ exists }] = await pg.query<{ exists: boolean }>(
        url,
        `SELECT to_regclass('slow') IS NOT NULL AS exists`,
      );
      expect(exists).toBe(false);
    });

    it("one that drops Forge's tables: another database, out of reach", async () => {
      const problem = await failing('DROP TABLE forge.public.projects CASCADE;');
      expect(problem.message).toMatch(/cross-database references are not implemented/);
      await forgeIntact();
    });

    it('one that drops a system schema', async () => {
      const problem = await failing('DROP SCHEMA pg_catalog CASCADE;');
      expect(problem.message).toMatch(
        /(must be owner|permission denied|cannot drop).*|required by the database system/,
      );
      await forgeIntact();
    });

    it('ALTER SYSTEM', async () => {
      const problem = await failing(`ALTER SYSTEM SET max_connections = 5;`);
      // Refused first because each migration is one transaction; the role could not anyway.
      expect(problem.message).toMatch(/ALTER SYSTEM cannot run inside a transaction block/);
      await expect(pg.query(url, 'ALTER SYSTEM SET max_connections = 5')).rejects.toThrow(
        /permission denied|superuser/,
      );
      const [{ setting }] = await pg.query<{ setting: string }>(
        pg.adminUrl,
        `SELECT count(*)::text AS setting FROM pg_file_settings WHERE name = 'max_connections' AND sourcefile LIKE '%auto.conf'`,
      );
      expect(setting).toBe('0');
    });

    it('COPY … PROGRAM', async () => {
      const marker = `/tmp/forge-copy-program-${randomUUID()}`;
      const problem = await failing(`COPY (SELECT 1) TO PROGRAM 'touch ${marker}';`);
      expect(problem.message).toMatch(/permission denied|superuser|pg_execute_server_program/);
      const { existsSync } = await import('node:fs');
      expect(existsSync(marker)).toBe(false);
    });

    it('CREATE ROLE and reading Forge tables by name from its own database', async () => {
      expect((await failing('CREATE ROLE sneaky LOGIN SUPERUSER;')).message).toMatch(
        /permission denied/,
      );
      await forgeIntact();
    });
  });

  it('reports a database larger than APPS_DATABASE_MAX_BYTES', async () => {
    const small = stack.databases({ APPS_DATABASE_MAX_BYTES: String(1024 * 1024) });
    const projectId = await newProject();
    await small.ensure(projectId);
    const run = await small.migrate(
      projectId,
      migrations({ '001-a.sql': 'CREATE TABLE a (id int);' }),
    );
    expect(run?.sizeWarning).toMatch(/more than APPS_DATABASE_MAX_BYTES \(1048576\)/);
  });

  it('drops the database and the role of a deleted project, at once or by the reaper', async () => {
    const gone = await newProject();
    const reaped = await newProject();
    const kept = await newProject();
    for (const id of [gone, reaped, kept]) {
      await databases.ensure(id);
    }
    const exists = async (id: string) => {
      const name = appDatabaseName(id);
      const [row] = await pg.query<{ db: boolean; role: boolean }>(
        pg.adminUrl,
        `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS db,
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS role`,
        [name],
      );
      return row;
    };
    // An open connection of the app does not keep its database alive.
    const client = new Client({ connectionString: await ownUrl(gone) });
    await client.connect();
    client.on('error', () => undefined);
    await dataSource.query('DELETE FROM projects WHERE id = $1', [gone]);
    expect(await databases.drop(gone)).toBe(true);
    await client.end().catch(() => undefined);
    expect(await exists(gone)).toEqual({ db: false, role: false });
    expect(await databases.credentials(gone)).toBeNull();

    await dataSource.query('DELETE FROM projects WHERE id = $1', [reaped]);
    expect(await databases.reap()).toEqual([reaped]);
    expect(await exists(reaped)).toEqual({ db: false, role: false });
    expect(await exists(kept)).toEqual({ db: true, role: true });
    expect(await databases.drop(gone)).toBe(false);
  });

  it('creates no database for a project deleted meanwhile', async () => {
    const projectId = await newProject();
    await dataSource.query('DELETE FROM projects WHERE id = $1', [projectId]);
    await expect(databases.ensure(projectId)).rejects.toThrow(/was deleted/);
    const rows = await pg.query(pg.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [
      appDatabaseName(projectId),
    ]);
    expect(rows).toEqual([]);
  });
});
