import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type AppDatabaseCredentials } from '@forge/db';

export interface AppDatabaseAdminOptions {
  /** An admin connection (CREATEDB and CREATEROLE, or a superuser) to the apps' server. */
  adminUrl: string;
  /** APPS_DATABASE_CONNECTION_LIMIT */
  connectionLimit: number;
  connectTimeoutMs: number;
  /** Longest one admin statement may take, in ms. */
  queryTimeoutMs: number;
}

/** How long a drop waits for each open session of the app to end, in ms. */
const DROP_WAIT_MS = 10_000;

const PROJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The names appDatabaseName gives, as a PostgreSQL regular expression. */
const PROJECT_DATABASE = '^app_[0-9a-f]{32}$';

/** SQLSTATE invalid_catalog_name: the database named does not exist. */
const UNDEFINED_DATABASE = '3D000';

/** What closeToPublic did to each database; `refused`: the admin may not (not the owner). */
export interface ClosedDatabases {
  closed: string[];
  refused: string[];
  missing: string[];
}

/** `app_<project id without dashes>`: the name of both the project's database and its role. */
export function appDatabaseName(projectId: string): string {
  if (!PROJECT_ID.test(projectId)) {
    throw new Error(`not a project id: ${projectId}`);
  }
  return `app_${projectId.replaceAll('-', '').toLowerCase()}`;
}

/** A PostgreSQL identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The same server with other credentials and database (host and port kept, or `host`'s). */
export function appDatabaseUrl(
  serverUrl: string,
  credentials: AppDatabaseCredentials,
  host?: string | null,
): string {
  const url = new URL(serverUrl);
  if (host) {
    const parsed = new URL(`postgres://${host}`);
    url.hostname = parsed.hostname;
    url.port = parsed.port || url.port;
  }
  url.username = encodeURIComponent(credentials.role);
  url.password = encodeURIComponent(credentials.password);
  url.pathname = `/${credentials.database}`;
  url.search = '';
  return url.toString();
}

/**
 * Creates and drops projects' databases on the apps' PostgreSQL server with the admin
 * connection. A project's role logs in with a random password, owns its database and nothing
 * else (no superuser, no CREATEDB, no CREATEROLE), and may open APPS_DATABASE_CONNECTION_LIMIT
 * connections; nobody else may connect to that database (CONNECT revoked from PUBLIC).
 */
export class AppDatabaseAdmin {
  constructor(private readonly options: AppDatabaseAdminOptions) {}

  /** Creates the project's role and database; an existing role gets a new password. */
  async create(projectId: string): Promise<AppDatabaseCredentials> {
    const name = appDatabaseName(projectId);
    const password = randomBytes(24).toString('base64url');
    await this.withAdmin(async (client) => {
      const role = quoteIdent(name);
      const rights = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT ${this.options.connectionLimit} PASSWORD ${quoteLiteral(password)}`;
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      await client.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} WITH ${rights}`);
      const database = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!database.rowCount) {
        // The role must be a member to be made owner by a CREATEROLE admin (PostgreSQL 16+).
        await client.query(`GRANT ${role} TO CURRENT_USER`).catch(() => undefined);
        await client.query(`CREATE DATABASE ${quoteIdent(name)} OWNER ${role}`);
      }
      await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
      await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(name)} TO ${role}`);
    });
    // The public schema is the role's own, whoever template1 left it to (an upgraded cluster's
    // is the bootstrap superuser's), and nobody else's to create in.
    await this.withAdmin(async (client) => {
      const role = quoteIdent(name);
      await client.query(`ALTER SCHEMA public OWNER TO ${role}`);
      await client.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      await client.query(`GRANT ALL ON SCHEMA public TO ${role}`);
    }, name);
    return { database: name, role: name, password };
  }

  /** Drops the project's database (its connections closed first) and its role; none is fine. */
  async drop(projectId: string): Promise<void> {
    const name = appDatabaseName(projectId);
    await this.withAdmin(
      async (client) => {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount) {
          // No new sessions, the open ones ended (each waited for), then the drop has nobody
          // left to wait for.
          await client.query(`ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS false`);
          // An admin without the right to signal them leaves it to DROP … WITH (FORCE).
          await client
            .query(
              'SELECT pg_terminate_backend(pid, $2) FROM pg_stat_activity WHERE datname = $1',
              [name, DROP_WAIT_MS],
            )
            .catch(() => undefined);
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        }
        await client.query(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
      },
      undefined,
      Math.max(this.options.queryTimeoutMs, DROP_WAIT_MS * 4),
    );
  }

  /** Whether the project's database exists on the server. */
  async exists(projectId: string): Promise<boolean> {
    const name = appDatabaseName(projectId);
    return this.withAdmin(
      async (client) =>
        !!(await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount,
    );
  }

  /**
   * The server's databases that are not a project's and that a role may connect to: postgres,
   * template1, Forge's own when it lives here, the admin's, any other. template0 is not among
   * them: it takes no connections at all (datallowconn is false).
   */
  async nonProjectDatabases(): Promise<string[]> {
    return this.withAdmin(async (client) => {
      const found = await client.query<{ name: string }>(
        `SELECT datname AS name FROM pg_database
         WHERE datallowconn AND datname !~ $1 ORDER BY datname`,
        [PROJECT_DATABASE],
      );
      return found.rows.map((row) => row.name);
    });
  }

  /**
   * Closes `databases` to roles not granted CONNECT: by default PUBLIC may connect to every
   * database, project roles included. The admin's own role keeps its way in (a superuser
   * needs no grant). Only a database's owner may revoke (for anyone else PostgreSQL only
   * warns), so whether PUBLIC lost CONNECT is checked, not assumed. Idempotent.
   */
  async closeToPublic(databases: Iterable<string>): Promise<ClosedDatabases> {
    return this.withAdmin(async (client) => {
      const outcome: ClosedDatabases = { closed: [], refused: [], missing: [] };
      for (const database of databases) {
        try {
          await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO CURRENT_USER`);
          await client.query(`REVOKE CONNECT ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
          const open = await client.query<{ open: boolean }>(
            `SELECT has_database_privilege('public', $1, 'CONNECT') AS open`,
            [database],
          );
          (open.rows[0]?.open ? outcome.refused : outcome.closed).push(database);
        } catch (error) {
          // Gone before or while it was closed (someone dropped it since it was listed).
          if ((error as { code?: string }).code !== UNDEFINED_DATABASE) {
            throw error;
          }
          outcome.missing.push(database);
        }
      }
      return outcome;
    });
  }

  private async withAdmin<T>(
    run: (client: Client) => Promise<T>,
    database?: string,
    queryTimeoutMs = this.options.queryTimeoutMs,
  ): Promise<T> {
    const url = new URL(this.options.adminUrl);
    if (database) {
      url.pathname = `/${database}`;
    }
    const client = new Client({
      connectionString: url.toString(),
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      query_timeout: queryTimeoutMs,
    });
    // A connection the server ends (a restart, a drop's terminate) fails the query in flight;
    // unheard, the client's 'error' event would end the runner.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
