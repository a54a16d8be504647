import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  AgentStateRow,
  ConversationMessage,
  GeneratedFile,
  GitRemote,
  LlmUsage,
  Project,
  Version,
} from './entities';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { GitRemotes1765200000000 } from './migrations/1765200000000-git-remotes';

export const ENTITIES = [
  Project,
  AgentStateRow,
  GeneratedFile,
  ConversationMessage,
  Version,
  LlmUsage,
  GitRemote,
];

/** In order; listed by hand so the same list works from src (tests) and dist (node). */
export const MIGRATIONS = [InitialSchema1764000000000, GitRemotes1765200000000];

/** node-postgres's error for a query past query_timeout. */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * A pg client that ends its connection when a query outlasts query_timeout. node-postgres fails
 * such a query but keeps waiting for its answer on the same connection, which the pool then
 * lends again: behind a server gone silent, every later query would time out on it too. Ended,
 * the connection leaves the pool and the next query opens a new one.
 */
export class TimeoutDroppingClient extends Client {}
const query = Client.prototype.query as (this: Client, ...args: unknown[]) => unknown;
TimeoutDroppingClient.prototype.query = function (this: Client, ...args: unknown[]) {
  const result = query.apply(this, args);
  if (result instanceof Promise) {
    result.catch((error: unknown) => {
      if ((error as Error)?.message === QUERY_TIMEOUT_MESSAGE) this.end().catch(() => undefined);
    });
  }
  return result;
} as Client['query'];

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  /** Longest wait for a connection (a new one, or a free one of the pool); unset: no limit. */
  connectTimeoutMs?: number;
  /** Longest wait for one query's answer, on our side: a server that went silent fails it. */
  queryTimeoutMs?: number;
}

export function dataSourceOptions({
  url,
  poolSize = 10,
  connectTimeoutMs,
  queryTimeoutMs,
}: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    // node-postgres pool options; without them a connection lost without a reset waits forever.
    extra: {
      max: poolSize,
      ...(connectTimeoutMs ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
      ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs, Client: TimeoutDroppingClient } : {}),
    },
  };
}

/** Runs the pending migrations on the database behind `url`; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
