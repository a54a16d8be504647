import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@forge/db';

export interface TestDatabase {
  url: string;
  /** One query on this database, for arranging and checking rows behind the app's back. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.FORGE_TEST_PG_ADMIN_URL;
  if (!url) {
    throw new Error(
      'FORGE_TEST_PG_ADMIN_URL is unset: run the tests through jest (test/global-setup.mjs)',
    );
  }
  return url;
}

async function withAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database of its own for one test file, on the server global-setup chose, with the
 * migrations applied unless `migrate: false`.
 */
export async function createTestDatabase({ migrate = true } = {}): Promise<TestDatabase> {
  const name = `forge_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  if (migrate) {
    await runMigrations(url.toString());
  }
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    query,
    drop: async () => {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/**
 * A test database for the spec file (or describe block) it is called in: created in a
 * beforeAll, dropped in an afterAll. The object it returns stands for it from then on.
 */
export function useTestDatabase(): TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  const current = (): TestDatabase => {
    if (!db) {
      throw new Error('the test database was not created (see beforeAll)');
    }
    return db;
  };
  return {
    get url() {
      return current().url;
    },
    query: <T>(sql: string, params?: unknown[]) => current().query<T>(sql, params),
    drop: () => current().drop(),
  };
}
