import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppDatabaseRepository, dataSourceOptions, runMigrations } from '@forge/db';
import { TEST_APPS_DATABASE_KEY } from '../../../../../test/support/test-secrets';
import { loadRunnerConfig } from '../../config/runner-config';
import { AppDatabases } from '../app-databases';
import { type PasswordPostgres, startPasswordPostgres } from './password-postgres';

export interface AppDatabaseStack {
  pg: PasswordPostgres;
  /** Forge's own database, `forge`, on the same server as the apps' (as `npm start` has it). */
  forgeUrl: string;
  dataSource: DataSource;
  /** AppDatabases on that server, with the tests' APPS_DATABASE_KEY unless `env` sets one. */
  databases(env?: Record<string, string>): AppDatabases;
  /** A new project of the one test user. */
  newProject(): Promise<string>;
  close(): Promise<void>;
}

/** Forge's database, migrated, and the apps' databases on one password PostgreSQL. */
export async function startAppDatabaseStack(): Promise<AppDatabaseStack> {
  const pg = await startPasswordPostgres();
  const forgeUrl = await pg.createDatabase('forge');
  await runMigrations(forgeUrl);
  const dataSource = await new DataSource(
    dataSourceOptions({ url: forgeUrl, poolSize: 2 }),
  ).initialize();
  await dataSource.query(
    `INSERT INTO users (id, name, email, email_verified) VALUES ('u1', 'U', 'u@example.com', false)`,
  );
  return {
    pg,
    forgeUrl,
    dataSource,
    databases: (env = {}) =>
      new AppDatabases(
        loadRunnerConfig({
          DATABASE_URL: forgeUrl,
          APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
          ...env,
        }),
        new AppDatabaseRepository(dataSource),
      ),
    async newProject() {
      const [{ id }] = await dataSource.query(
        `INSERT INTO projects (owner_id, name) VALUES ('u1', 'P') RETURNING id::text AS id`,
      );
      return id as string;
    },
    async close() {
      await dataSource.destroy();
      await pg.stop();
    },
  };
}

/** How opening `url` ends: 'connected', or PostgreSQL's error code and message. */
export async function connectOutcome(
  url: string,
): Promise<'connected' | { code: string; message: string }> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return 'connected';
  } catch (error) {
    return { code: (error as { code?: string }).code ?? '', message: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** 'connected', or the message PostgreSQL refused `url` with. */
export async function connectError(url: string): Promise<string> {
  const outcome = await connectOutcome(url);
  return outcome === 'connected' ? outcome : outcome.message;
}
