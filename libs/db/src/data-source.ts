import { DataSource, type DataSourceOptions } from 'typeorm';
import {
  AgentStateRow,
  ConversationMessage,
  GeneratedFile,
  LlmUsage,
  Project,
  Version,
} from './entities';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';

export const ENTITIES = [
  Project,
  AgentStateRow,
  GeneratedFile,
  ConversationMessage,
  Version,
  LlmUsage,
];

/** In order; listed by hand so the same list works from src (tests) and dist (node). */
export const MIGRATIONS = [InitialSchema1764000000000];

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
}

export function dataSourceOptions({ url, poolSize = 10 }: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize },
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
