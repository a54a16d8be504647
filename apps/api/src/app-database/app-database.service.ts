import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import {
  type AppDatabaseCredentials,
  AppDatabaseRepository,
  SecretCipher,
  SecretCipherError,
} from '@forge/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectsService } from '../projects/projects.service';
import { AppDatabaseError } from './app-database.error';

export interface ColumnDto {
  name: string;
  type: string;
  nullable: boolean;
}

export interface TableDto {
  name: string;
  columns: ColumnDto[];
  /** Exact count of rows. */
  rows: number;
}

export interface MigrationDto {
  name: string;
  appliedAt: string;
}

export interface AppDatabaseDto {
  /** False until a phase writes db/migrations/ (then the runner creates it). */
  exists: boolean;
  tables: TableDto[];
  migrations: MigrationDto[];
  sizeBytes: number | null;
}

export interface RowsDto {
  columns: string[];
  /** Every value as PostgreSQL prints it (text), null for NULL, cut at VALUE_MAX_CHARS. */
  rows: (string | null)[][];
  offset: number;
  limit: number;
  total: number;
}

/** Longest value shown in a cell; the rest is cut with an ellipsis. */
const VALUE_MAX_CHARS = 2_000;
/** Every type as the text PostgreSQL sends: the panel shows values, it does not compute. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * The database panel: an app's tables, columns, rows (paged) and applied migrations, read with
 * the project's own credentials (its password opened with APPS_DATABASE_KEY, the runners' key)
 * in a read-only transaction with a statement timeout. Owner only: another user's project is a
 * 404, as everywhere.
 */
@Injectable()
export class AppDatabaseService {
  private readonly cipher: SecretCipher;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly appDatabases: AppDatabaseRepository,
    private readonly projects: ProjectsService,
  ) {
    this.cipher = new SecretCipher(config.APPS_DATABASE_KEY, 'APPS_DATABASE_KEY');
  }

  async describe(ownerId: string, projectId: string): Promise<AppDatabaseDto> {
    await this.projects.assertOwned(ownerId, projectId);
    const credentials = await this.credentials(projectId);
    if (!credentials) {
      return { exists: false, tables: [], migrations: [], sizeBytes: null };
    }
    return this.read(ownerId, projectId, credentials, async (client) => {
      const columns = await client.query<{
        table: string;
        name: string;
        type: string;
        nullable: string;
      }>(
        `SELECT c.table_name AS table, c.column_name AS name, c.data_type AS type,
                c.is_nullable AS nullable
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name COLLATE "C", c.ordinal_position`,
      );
      const tables = new Map<string, TableDto>();
      for (const column of columns.rows) {
        let table = tables.get(column.table);
        if (!table) {
          table = { name: column.table, columns: [], rows: 0 };
          tables.set(column.table, table);
        }
        table.columns.push({
          name: column.name,
          type: column.type,
          nullable: column.nullable === 'YES',
        });
      }
      for (const table of tables.values()) {
        const count = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM public.${quoteIdent(table.name)}`,
        );
        table.rows = Number(count.rows[0]?.n ?? 0);
      }
      const migrations = tables.has('forge_migrations')
        ? (
            await client.query<{ name: string; applied_at: string }>(
              `SELECT name, applied_at::text AS applied_at FROM forge_migrations ORDER BY name`,
            )
          ).rows.map((row) => ({
            name: row.name,
            appliedAt: new Date(row.applied_at).toISOString(),
          }))
        : [];
      const size = await client.query<{ size: string }>(
        'SELECT pg_database_size(current_database()) AS size',
      );
      return {
        exists: true,
        tables: [...tables.values()],
        migrations,
        sizeBytes: Number(size.rows[0]?.size ?? 0),
      };
    });
  }

  async rows(
    ownerId: string,
    projectId: string,
    table: string,
    offset: number,
    limit: number,
  ): Promise<RowsDto> {
    await this.projects.assertOwned(ownerId, projectId);
    const credentials = await this.credentials(projectId);
    if (!credentials) {
      throw AppDatabaseError.tableNotFound(table);
    }
    const pageSize = Math.min(limit, this.config.APPS_DATABASE_PANEL_ROWS_MAX);
    return this.read(ownerId, projectId, credentials, async (client) => {
      // The name is looked up, never spliced in as given.
      const found = await client.query<{ name: string; key: string[] | null }>(
        `SELECT c.relname AS name,
                (SELECT array_agg(a.attname::text ORDER BY k.ord)
                 FROM pg_index i
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary) AS key
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = $1`,
        [table],
      );
      const row = found.rows[0];
      if (!row) {
        throw AppDatabaseError.tableNotFound(table);
      }
      const name = `public.${quoteIdent(row.name)}`;
      const order = row.key?.length ? row.key.map(quoteIdent).join(', ') : 'ctid';
      const page = await client.query({
        text: `SELECT * FROM ${name} ORDER BY ${order} OFFSET $1 LIMIT $2`,
        values: [offset, pageSize],
        rowMode: 'array',
        types: AS_TEXT,
      });
      const total = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`);
      return {
        columns: page.fields.map((field) => field.name),
        rows: (page.rows as (string | null)[][]).map((values) => values.map(cut)),
        offset,
        limit: pageSize,
        total: Number(total.rows[0]?.n ?? 0),
      };
    });
  }

  private async credentials(projectId: string): Promise<AppDatabaseCredentials | null> {
    try {
      return await this.appDatabases.find(projectId, this.cipher);
    } catch (error) {
      if (error instanceof SecretCipherError) {
        throw AppDatabaseError.keyMismatch(error.message);
      }
      throw error;
    }
  }

  /** Runs `work` as the project's role in a read-only transaction, rolled back after. */
  private async read<T>(
    ownerId: string,
    projectId: string,
    credentials: AppDatabaseCredentials,
    work: (client: Client) => Promise<T>,
  ): Promise<T> {
    const url = new URL(this.config.APPS_DATABASE_URL ?? this.config.DATABASE_URL);
    url.username = encodeURIComponent(credentials.role);
    url.password = encodeURIComponent(credentials.password);
    url.pathname = `/${credentials.database}`;
    url.search = '';
    const timeoutMs = this.config.APPS_DATABASE_PANEL_TIMEOUT_MS;
    const client = new Client({
      connectionString: url.toString(),
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs * 2,
    });
    try {
      await client.connect();
    } catch (error) {
      throw await this.unreachable(ownerId, projectId, error);
    }
    client.on('error', () => undefined);
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
      return await work(client);
    } catch (error) {
      if (error instanceof AppDatabaseError) {
        throw error;
      }
      throw await this.unreachable(ownerId, projectId, error);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  /**
   * The error of a read that failed. A project deleted meanwhile is not found: its database
   * was dropped after it, which is what failed the read.
   */
  private async unreachable(
    ownerId: string,
    projectId: string,
    error: unknown,
  ): Promise<AppDatabaseError> {
    await this.projects.assertOwned(ownerId, projectId);
    return AppDatabaseError.unreachable((error as Error).message);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function cut(value: string | null): string | null {
  return value !== null && value.length > VALUE_MAX_CHARS
    ? `${value.slice(0, VALUE_MAX_CHARS)}…`
    : value;
}
