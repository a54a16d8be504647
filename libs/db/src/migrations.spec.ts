import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions, MIGRATIONS } from './data-source';

const TABLES = [
  'users',
  'sessions',
  'accounts',
  'verifications',
  'rate_limits',
  'projects',
  'project_thumbnails',
  'agent_states',
  'generated_files',
  'conversation_messages',
  'versions',
  'llm_usage',
  'app_databases',
  'publications',
  'publication_files',
  'share_links',
  'git_remotes',
];

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataSource = await new DataSource(dataSourceOptions({ url: db.url, poolSize: 2 })).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function tables(): Promise<string[]> {
    const rows: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
    );
    return rows.map((row) => row.table_name).sort();
  }

  it('run up on an empty database and create every table', async () => {
    const applied = await dataSource.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables()).toEqual([...TABLES].sort());
  });

  it('index every foreign key', async () => {
    // A foreign key is indexed when some index starts with its column(s).
    const unindexed: { table: string; columns: string }[] = await dataSource.query(`
      SELECT c.conrelid::regclass::text AS table, string_agg(a.attname, ',') AS columns
      FROM pg_constraint c
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND NOT EXISTS (
        SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
      )
      GROUP BY c.conrelid, c.conname`);
    expect(unindexed).toEqual([]);
  });

  it('cascade a project delete to its rows', async () => {
    await dataSource.query(
      `INSERT INTO users (id, name, email, email_verified) VALUES ('u1', 'U', 'u@example.com', false)`,
    );
    const [{ id }] = await dataSource.query(
      `INSERT INTO projects (owner_id, name) VALUES ('u1', 'P') RETURNING id`,
    );
    await dataSource.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [id]);
    await dataSource.query(
      `INSERT INTO generated_files (project_id, path, content) VALUES ($1, 'a.ts', 'x')`,
      [id],
    );
    await dataSource.query(
      `INSERT INTO conversation_messages (project_id, role, content) VALUES ($1, 'user', 'hi')`,
      [id],
    );
    await dataSource.query(
      `INSERT INTO versions (project_id, number, reason, label, files) VALUES ($1, 1, 'phase', 'v1', '[]')`,
      [id],
    );
    await dataSource.query(
      `INSERT INTO publications (project_id, slug, visibility, access_token, version_number, build_id, bytes, file_count)
       VALUES ($1, 'my-app', 'public', 't', 1, gen_random_uuid(), 1, 1)`,
      [id],
    );
    await dataSource.query(
      `INSERT INTO publication_files (build_id, path, project_id, content) VALUES (gen_random_uuid(), 'index.html', $1, '\\x3c')`,
      [id],
    );
    await dataSource.query(`INSERT INTO share_links (token, project_id) VALUES ('s', $1)`, [id]);
    await dataSource.query(
      `INSERT INTO project_thumbnails (project_id, version_number, media_type, image) VALUES ($1, 1, 'image/png', '\\x89504e47')`,
      [id],
    );
    await dataSource.query(
      `INSERT INTO git_remotes (project_id, url, branch) VALUES ($1, 'https://git.example.com/a.git', 'main')`,
      [id],
    );
    await dataSource.query(`DELETE FROM projects WHERE id = $1`, [id]);
    for (const table of [
      'agent_states',
      'generated_files',
      'conversation_messages',
      'versions',
      'publications',
      'publication_files',
      'share_links',
      'project_thumbnails',
      'git_remotes',
    ]) {
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
      expect({ table, count }).toEqual({ table, count: 0 });
    }
  });

  it('run down again to an empty schema', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) {
      await dataSource.undoLastMigration();
    }
    expect(await tables()).toEqual([]);
  });
});
