import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ProjectResponseError } from '../../project/project.model';
import { projectUrl, record } from '../workspace-api.service';

export interface DatabaseColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

export interface DatabaseTable {
  readonly name: string;
  readonly columns: readonly DatabaseColumn[];
  readonly rows: number;
}

export interface AppliedMigration {
  readonly name: string;
  readonly appliedAt: string;
}

/** GET …/database: what the app's own database holds. */
export interface AppDatabase {
  readonly exists: boolean;
  readonly tables: readonly DatabaseTable[];
  readonly migrations: readonly AppliedMigration[];
  readonly sizeBytes: number | null;
}

/** GET …/database/tables/:name/rows: one page, every value as text (null for NULL). */
export interface TableRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
}

/** Rows asked for per page; the API caps it at APPS_DATABASE_PANEL_ROWS_MAX. */
export const DATABASE_PAGE_SIZE = 25;

export function parseAppDatabase(body: unknown): AppDatabase {
  const what = "the app's database";
  const { exists, tables, migrations, sizeBytes } = record(body, what);
  if (
    typeof exists !== 'boolean' ||
    !Array.isArray(tables) ||
    !Array.isArray(migrations) ||
    (sizeBytes !== null && typeof sizeBytes !== 'number')
  ) {
    throw new ProjectResponseError(what);
  }
  return {
    exists,
    sizeBytes,
    tables: tables.map((item: unknown): DatabaseTable => {
      const { name, columns, rows } = record(item, what);
      if (typeof name !== 'string' || !Array.isArray(columns) || typeof rows !== 'number') {
        throw new ProjectResponseError(what);
      }
      return {
        name,
        rows,
        columns: columns.map((column: unknown): DatabaseColumn => {
          const fields = record(column, what);
          if (
            typeof fields['name'] !== 'string' ||
            typeof fields['type'] !== 'string' ||
            typeof fields['nullable'] !== 'boolean'
          ) {
            throw new ProjectResponseError(what);
          }
          return { name: fields['name'], type: fields['type'], nullable: fields['nullable'] };
        }),
      };
    }),
    migrations: migrations.map((item: unknown): AppliedMigration => {
      const { name, appliedAt } = record(item, what);
      if (typeof name !== 'string' || typeof appliedAt !== 'string') {
        throw new ProjectResponseError(what);
      }
      return { name, appliedAt };
    }),
  };
}

export function parseTableRows(body: unknown): TableRows {
  const what = "a table's rows";
  const { columns, rows, offset, limit, total } = record(body, what);
  const cell = (value: unknown) => value === null || typeof value === 'string';
  if (
    !Array.isArray(columns) ||
    !columns.every((column) => typeof column === 'string') ||
    !Array.isArray(rows) ||
    !rows.every((row) => Array.isArray(row) && row.every(cell)) ||
    typeof offset !== 'number' ||
    typeof limit !== 'number' ||
    typeof total !== 'number'
  ) {
    throw new ProjectResponseError(what);
  }
  return { columns, rows: rows as (string | null)[][], offset, limit, total };
}

/** The app's database over REST, read-only; loaded with the database panel. */
@Injectable({ providedIn: 'root' })
export class DatabaseApiService {
  private readonly http = inject(HttpClient);

  async describe(projectId: string): Promise<AppDatabase> {
    const body = await firstValueFrom(this.http.get<unknown>(`${projectUrl(projectId)}/database`));
    return parseAppDatabase(body);
  }

  async rows(projectId: string, table: string, offset: number): Promise<TableRows> {
    const params = new HttpParams().set('offset', offset).set('limit', DATABASE_PAGE_SIZE);
    const body = await firstValueFrom(
      this.http.get<unknown>(
        `${projectUrl(projectId)}/database/tables/${encodeURIComponent(table)}/rows`,
        { params },
      ),
    );
    return parseTableRows(body);
  }
}
