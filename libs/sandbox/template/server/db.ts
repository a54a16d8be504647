import postgres, { type Sql } from 'postgres';

/** Thrown by db() when the app has no database; the API answers 503 with its message. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
}

// One client for the life of the process: the dev server reloads server modules on every edit,
// and a client per reload would leak connections.
const holder = globalThis as typeof globalThis & { forgeSql?: { url: string; sql: Sql } };

/** The app's PostgreSQL client, from DATABASE_URL (set by Forge, or by you outside it). */
export function db(): Sql {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new DatabaseUnavailableError(
      'DATABASE_URL is not set: this app has no database (set it, then run `npm run migrate`)',
    );
  }
  if (holder.forgeSql?.url !== url) {
    void holder.forgeSql?.sql.end({ timeout: 5 });
    holder.forgeSql = {
      url,
      sql: postgres(url, { max: 5, idle_timeout: 60, connect_timeout: 10 }),
    };
  }
  return holder.forgeSql.sql;
}
