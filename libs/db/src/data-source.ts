import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  AgentStateRow,
  ConversationMessage,
  GeneratedFile,
  GitRemote,
  LlmUsage,
  Project,
  Publication,
  PublicationFile,
  ProjectThumbnail,
  ShareLink,
  Version,
} from './entities';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { AppDatabases1765000000000 } from './migrations/1765000000000-app-databases';
import { FileEncoding1765000000001 } from './migrations/1765000000001-file-encoding';
import { PublishAndShare1765000000002 } from './migrations/1765000000002-publish-and-share';
import { RequestModel1765000000003 } from './migrations/1765000000003-request-model';
import { ProjectTitlesThumbnails1765000000004 } from './migrations/1765000000004-project-titles-thumbnails';
import { GitRemotes1765000000005 } from './migrations/1765000000005-git-remotes';
import { PublishedServers1765000000006 } from './migrations/1765000000006-published-servers';
import { PublishedServerUse1765000000007 } from './migrations/1765000000007-published-server-use';

export const ENTITIES = [
  Project,
  AgentStateRow,
  GeneratedFile,
  ConversationMessage,
  Version,
  LlmUsage,
  Publication,
  PublicationFile,
  ShareLink,
  ProjectThumbnail,
  GitRemote,
];

/** In order; listed by hand so the same list works from src (tests) and dist (node). */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  AppDatabases1765000000000,
  FileEncoding1765000000001,
  PublishAndShare1765000000002,
  RequestModel1765000000003,
  ProjectTitlesThumbnails1765000000004,
  GitRemotes1765000000005,
  PublishedServers1765000000006,
  PublishedServerUse1765000000007,
];

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
      if ((error as Error)?.message === QUERY_TIMEOUT_MESSAGE) {
        this.end().catch(() => undefined);
      }
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
