import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { loadApiConfig } from '../config/api-config';
import { authOptions } from './auth.factory';

describe('better-auth schema', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('is exactly what better-auth expects after our migrations: nothing to create or add', async () => {
    const { getMigrations } = await import('better-auth/db/migration');
    const config = loadApiConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
      APPS_DATABASE_KEY: 'test-apps-database-key-0123456789abcdef',
    });
    const migrations = await getMigrations(authOptions(config, pool));
    expect(migrations.toBeCreated).toEqual([]);
    expect(migrations.toBeAdded).toEqual([]);
    expect(migrations.toBeAddedIndexes).toEqual([]);
  });
});
