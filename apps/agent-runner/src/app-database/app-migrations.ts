import { createHash } from 'node:crypto';
import { Client, type DatabaseError } from 'pg';
import { type PhaseInfo } from '@forge/protocol';
import { type CheckProblem } from '../agent/app-checks';

/** Where the model writes an app's migrations, one SQL file each. */
export const MIGRATIONS_DIR = 'db/migrations/';
/** `db/migrations/001-create-notes.sql`: three or more digits, a name, `.sql`. */
const MIGRATION_FILE = /^db\/migrations\/(\d{3,}-[A-Za-z0-9_.-]+\.sql)$/;

/**
 * The table both Forge and the app's own `npm run migrate` record applied migrations in, in the
 * app's database. The checksum is the SHA-256 (hex) of the file's UTF-8 content.
 */
export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS forge_migrations (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface MigrationFile {
  /** The file name, e.g. `001-create-notes.sql`: the key in forge_migrations. */
  name: string;
  path: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: string;
}

export interface MigrationRun {
  /** Names applied by this run, in order. */
  applied: string[];
  /** A failed migration, an edited applied one, a misnamed file: for the fix loop. */
  problems: CheckProblem[];
  /** The database's size after the run, in bytes (null when the session was lost). */
  sizeBytes: number | null;
}

export interface MigrationOptions {
  /** The project's own role's URL: never the admin's. */
  url: string;
  /** APPS_DATABASE_MIGRATION_TIMEOUT_MS */
  timeoutMs: number;
  connectTimeoutMs: number;
}

/** node-postgres's error for a query past query_timeout. */
const QUERY_READ_TIMEOUT = 'Query read timeout';

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Whether any of the paths is a migration (the trigger for creating a database). */
export function hasMigrations(paths: Iterable<string>): boolean {
  for (const path of paths) {
    if (path.startsWith(MIGRATIONS_DIR)) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a project needs its database: it has migrations, or the phase's design names a data
 * model (PhaseInfo.dataModel, with at least one table).
 */
export function wantsDatabase(
  paths: Iterable<string>,
  phase: Pick<PhaseInfo, 'dataModel'>,
): boolean {
  return hasMigrations(paths) || (phase.dataModel?.tables.length ?? 0) > 0;
}

/** The project's migration files in name order, and problems with misnamed `.sql` files. */
export function migrationFiles(files: ReadonlyMap<string, string>): {
  migrations: MigrationFile[];
  problems: CheckProblem[];
} {
  const migrations: MigrationFile[] = [];
  const problems: CheckProblem[] = [];
  for (const [path, sql] of files) {
    if (!path.startsWith(MIGRATIONS_DIR)) {
      continue;
    }
    const match = MIGRATION_FILE.exec(path);
    if (match) {
      migrations.push({ name: match[1]!, path, sql, checksum: migrationChecksum(sql) });
    } else if (path.endsWith('.sql')) {
      const message = `${path} is not run: migrations are named db/migrations/NNN-name.sql (three or more digits, then a name).`;
      problems.push(problem(`migration:name:${path}`, message, path, 'MIGRATION_NAME'));
    }
  }
  migrations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { migrations, problems };
}

/**
 * Applies the project's new migrations in name order, each in its own transaction with
 * statement_timeout, as the project's role, and records them in forge_migrations. Stops at the
 * first that fails (it is rolled back; later ones may depend on it). An applied migration whose
 * file changed since is a problem: schema changes go in new migrations.
 */
export async function applyMigrations(
  files: ReadonlyMap<string, string>,
  options: MigrationOptions,
): Promise<MigrationRun> {
  const { migrations, problems } = migrationFiles(files);
  const client = new Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Our own deadline, past the server's: a server gone silent still ends the run.
    query_timeout: options.timeoutMs + options.connectTimeoutMs,
  });
  // Ended by the server (a timeout's terminate, a restart): the query in flight fails with it.
  client.on('error', () => undefined);
  await client.connect();
  const applied: string[] = [];
  let pid: number | undefined;
  try {
    pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await client.query(MIGRATIONS_TABLE_SQL);
    const done = new Map(
      (
        await client.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM forge_migrations',
        )
      ).rows.map((row) => [row.name, row.checksum]),
    );
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          problems.push(editedProblem(migration));
        }
        continue;
      }
      const failure = await applyOne(client, migration, options, pid);
      if (failure) {
        problems.push(failure);
        break;
      }
      applied.push(migration.name);
    }
    const size = await client
      .query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size')
      .then((result) => Number(result.rows[0]?.size ?? 0))
      .catch(() => null);
    return { applied, problems, sizeBytes: size };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function terminate(options: MigrationOptions, pid: number): Promise<void> {
  const client = new Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.connectTimeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT pg_terminate_backend($1)', [pid]);
  } catch {
    // The session is gone already, or the server with it.
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyOne(
  client: Client,
  migration: MigrationFile,
  options: MigrationOptions,
  pid: number | undefined,
): Promise<CheckProblem | null> {
  const { timeoutMs } = options;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.floor(timeoutMs)}`);
    await client.query(migration.sql);
    await client.query('INSERT INTO forge_migrations (name, checksum) VALUES ($1, $2)', [
      migration.name,
      migration.checksum,
    ]);
    await client.query('COMMIT');
    return null;
  } catch (error) {
    if ((error as Error).message === QUERY_READ_TIMEOUT) {
      // Past our own deadline (a migration that turned its statement_timeout off) the server
      // would go on running it: the role ends its own session, which rolls it back.
      if (pid !== undefined) {
        await terminate(options, pid);
      }
      const timedOut = Object.assign(new Error('timeout'), { code: '57014' }) as DatabaseError;
      return failedProblem(migration, timedOut, timeoutMs);
    }
    await client.query('ROLLBACK').catch(() => undefined);
    return failedProblem(migration, error as DatabaseError, timeoutMs);
  }
}

function failedProblem(
  migration: MigrationFile,
  error: DatabaseError,
  timeoutMs: number,
): CheckProblem {
  const line = error.position ? lineAt(migration.sql, Number(error.position)) : undefined;
  const where = `${migration.path}${line ? `:${line}` : ''}`;
  let message = error.message;
  if (error.code === '57014') {
    message = `it ran longer than ${timeoutMs} ms (APPS_DATABASE_MIGRATION_TIMEOUT_MS) and was cancelled`;
  } else if (error.code === '55P03') {
    message = `it waited longer than ${timeoutMs} ms for a lock (APPS_DATABASE_MIGRATION_TIMEOUT_MS)`;
  } else if (error.code === '42501' || /superuser|permission denied/i.test(error.message)) {
    message = `${error.message} — migrations run as the app's own role, which owns its database and nothing else`;
  } else if (error.code === '0A000' && /cross-database/i.test(error.message)) {
    message = `${error.message} — a migration reaches the app's own database only`;
  }
  const text = [
    `${where} - migration failed: ${message}`,
    ...(error.detail ? [`  detail: ${error.detail}`] : []),
    ...(error.hint ? [`  hint: ${error.hint}`] : []),
    '  Nothing of it was applied (it ran in one transaction); later migrations wait for it.',
  ].join('\n');
  return {
    source: 'migration',
    key: `migration:${migration.name}:${error.code ?? ''}:${error.message}`,
    text,
    message: `migration ${migration.name} failed: ${message}`,
    path: migration.path,
    ...(line ? { line } : {}),
    ...(error.code ? { code: error.code } : {}),
  };
}

function editedProblem(migration: MigrationFile): CheckProblem {
  const message = `${migration.path} was changed after it was applied; applied migrations never run again. Put the original content back and make the change in a new migration (the next number).`;
  return problem(`migration:edited:${migration.name}`, message, migration.path, 'MIGRATION_EDITED');
}

function problem(key: string, message: string, path: string, code: string): CheckProblem {
  return { source: 'migration', key, text: message, message, path, code };
}

/** The 1-based line of a 1-based character position. */
function lineAt(text: string, position: number): number {
  return text.slice(0, Math.max(0, position - 1)).split('\n').length;
}
