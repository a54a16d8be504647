import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppDatabaseRepository, SecretCipher } from '@forge/db';
import { TEST_APPS_DATABASE_KEY } from '../../../../test/support/test-secrets';
import {
  call,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

/**
 * The database panel's endpoints against a real app database, made here as the runner makes
 * one (a role owning a database, its row in app_databases) on the tests' server. The row is
 * written as before passwords were sealed (plaintext): the panel's first read seals it.
 */
describe('database panel (e2e)', () => {
  let api: ApiTestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let projectId: string;
  let bare: string;
  let name: string;
  let appUrl: string;
  let password: string;

  async function admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: process.env.FORGE_TEST_PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    api = await startApiTestApp();
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    const create = (label: string) =>
      call(api.url, 'POST', '/api/projects', { cookie: owner.cookie, body: { name: label } });
    projectId = (await create('Guestbook')).body.id;
    bare = (await create('No data')).body.id;
    name = `app_${projectId.replaceAll('-', '')}`;
    password = randomBytes(12).toString('hex');
    await admin(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await admin(`CREATE DATABASE "${name}" OWNER "${name}"`);
    await api.db.query(
      `INSERT INTO app_databases (project_id, database_name, role_name, password) VALUES ($1, $2, $2, $3)`,
      [projectId, name, password],
    );
    const url = new URL(process.env.FORGE_TEST_PG_ADMIN_URL!);
    url.username = name;
    url.password = password;
    url.pathname = `/${name}`;
    appUrl = url.toString();
    const client = new Client({ connectionString: appUrl });
    await client.connect();
    try {
      await client.query(`CREATE TABLE forge_migrations (name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO forge_migrations (name, checksum) VALUES ('001-create-entries.sql', 'x');
        CREATE TABLE entries (id serial PRIMARY KEY, author text NOT NULL, body text, at timestamptz DEFAULT now());
        INSERT INTO entries (author, body) SELECT 'guest ' || i, CASE WHEN i = 3 THEN NULL ELSE repeat('x', i) END FROM generate_series(1, 120) i;
        CREATE TABLE "odd ""name""" (v jsonb);
        INSERT INTO "odd ""name""" VALUES ('{"a": [1, 2]}');`);
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await api?.close();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin(`DROP ROLE IF EXISTS "${name}"`).catch(() => undefined);
  });

  it('lists the tables with their columns and row counts, and the applied migrations', async () => {
    const { status, body } = await call(api.url, 'GET', `/api/projects/${projectId}/database`, {
      cookie: owner.cookie,
    });
    expect(status).toBe(200);
    expect(body.exists).toBe(true);
    expect(body.tables.map((t: { name: string; rows: number }) => [t.name, t.rows])).toEqual([
      ['entries', 120],
      ['forge_migrations', 1],
      ['odd "name"', 1],
    ]);
    expect(body.tables[0].columns).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'author', type: 'text', nullable: false },
      { name: 'body', type: 'text', nullable: true },
      { name: 'at', type: 'timestamp with time zone', nullable: true },
    ]);
    expect(body.migrations).toEqual([
      { name: '001-create-entries.sql', appliedAt: expect.any(String) },
    ]);
    expect(body.sizeBytes).toBeGreaterThan(0);
  });

  it('sealed the plaintext password of that row when it first read it', async () => {
    const [row] = await api.db.query<{ password: string }>(
      'SELECT password FROM app_databases WHERE project_id = $1',
      [projectId],
    );
    expect(row!.password).toMatch(/^aes-256-gcm:/);
    expect(row!.password).not.toContain(password);
    const again = await call(api.url, 'GET', `/api/projects/${projectId}/database`, {
      cookie: owner.cookie,
    });
    expect(again.body.tables).toHaveLength(3);
  });

  it('says so, naming APPS_DATABASE_KEY, when the password was sealed under another key', async () => {
    const rows = api.app.get(AppDatabaseRepository);
    const credentials = { database: name, role: name, password };
    const reseal = async (key: string) => {
      await rows.remove(projectId);
      await rows.insertIfProjectExists(
        projectId,
        credentials,
        new SecretCipher(key, 'APPS_DATABASE_KEY'),
      );
    };
    await reseal(`${TEST_APPS_DATABASE_KEY}-of-another-server`);
    try {
      const { status, body } = await call(api.url, 'GET', `/api/projects/${projectId}/database`, {
        cookie: owner.cookie,
      });
      expect(status).toBe(500);
      expect(body.code).toBe('APP_DATABASE_KEY_MISMATCH');
      expect(body.message).toMatch(/does not open with APPS_DATABASE_KEY/);
      expect(body.message).not.toContain(password);
    } finally {
      await reseal(TEST_APPS_DATABASE_KEY);
    }
  });

  it('pages through rows in key order, values as text, within APPS_DATABASE_PANEL_ROWS_MAX', async () => {
    const page = await call(
      api.url,
      'GET',
      `/api/projects/${projectId}/database/tables/entries/rows?offset=2&limit=2`,
      { cookie: owner.cookie },
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      columns: ['id', 'author', 'body', 'at'],
      offset: 2,
      limit: 2,
      total: 120,
    });
    expect(page.body.rows.map((row: string[]) => row.slice(0, 3))).toEqual([
      ['3', 'guest 3', null],
      ['4', 'guest 4', 'xxxx'],
    ]);
    const capped = await call(
      api.url,
      'GET',
      `/api/projects/${projectId}/database/tables/entries/rows?limit=1000`,
      { cookie: owner.cookie },
    );
    expect(capped.body.limit).toBe(100);
    expect(capped.body.rows).toHaveLength(100);
    const odd = await call(
      api.url,
      'GET',
      `/api/projects/${projectId}/database/tables/${encodeURIComponent('odd "name"')}/rows`,
      { cookie: owner.cookie },
    );
    expect(odd.body.rows).toEqual([['{"a": [1, 2]}']]);
  });

  it('refuses a table that is not there, and bad paging, with clear errors', async () => {
    const path = (rest: string) => `/api/projects/${projectId}/database/tables/${rest}`;
    const missing = await call(api.url, 'GET', path('pg_authid/rows'), { cookie: owner.cookie });
    expect(missing).toMatchObject({ status: 404, body: { code: 'TABLE_NOT_FOUND' } });
    const injected = await call(
      api.url,
      'GET',
      path(`${encodeURIComponent('entries; DROP TABLE entries')}/rows`),
      {
        cookie: owner.cookie,
      },
    );
    expect(injected.status).toBe(404);
    const negative = await call(api.url, 'GET', path('entries/rows?offset=-1'), {
      cookie: owner.cookie,
    });
    expect(negative.status).toBe(400);
  });

  it('reads inside a read-only transaction as the project role', async () => {
    // Nothing the panel ran changed the data it showed.
    const client = new Client({ connectionString: appUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM entries');
      expect(rows[0].n).toBe(120);
    } finally {
      await client.end();
    }
  });

  it("answers 404 for another user's project, whatever the path, and 401 without a session", async () => {
    for (const path of [
      `/api/projects/${projectId}/database`,
      `/api/projects/${projectId}/database/tables/entries/rows`,
    ]) {
      const response = await call(api.url, 'GET', path, { cookie: stranger.cookie });
      expect({ path, status: response.status, code: response.body.code }).toEqual({
        path,
        status: 404,
        code: 'PROJECT_NOT_FOUND',
      });
      expect(JSON.stringify(response.body)).not.toContain('guest');
      expect((await call(api.url, 'GET', path)).status).toBe(401);
    }
  });

  it('says a project has no database yet', async () => {
    const { status, body } = await call(api.url, 'GET', `/api/projects/${bare}/database`, {
      cookie: owner.cookie,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ exists: false, tables: [], migrations: [], sizeBytes: null });
  });
});
