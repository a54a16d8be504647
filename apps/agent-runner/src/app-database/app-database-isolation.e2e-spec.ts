import { type DataSource } from 'typeorm';
import { SecretCipherError } from '@forge/db';
import { TEST_APPS_DATABASE_KEY } from '../../../../test/support/test-secrets';
import { AppDatabaseAdmin, appDatabaseUrl } from './app-database-admin';
import { type AppDatabases } from './app-databases';
import {
  type AppDatabaseStack,
  connectError,
  connectOutcome,
  startAppDatabaseStack,
} from './testing/app-database-stack';
import { type PasswordPostgres } from './testing/password-postgres';

/** PostgreSQL's insufficient_privilege: what a role without CONNECT on a database gets. */
const PERMISSION_DENIED = '42501';

/**
 * Who can open what on the apps' server: the passwords are sealed in Forge's database, and a
 * project's role connects to its own database and to no other one on the server.
 */
describe('app databases: sealed passwords and isolation (e2e)', () => {
  let stack: AppDatabaseStack;
  let pg: PasswordPostgres;
  let dataSource: DataSource;
  let databases: AppDatabases;

  beforeAll(async () => {
    stack = await startAppDatabaseStack();
    ({ pg, dataSource } = stack);
    // A database of the server's operator, there before Forge provisions anything.
    await pg.createDatabase('operator_data');
    databases = stack.databases();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** The password column of the project's row in Forge's database, as stored. */
  async function storedPassword(projectId: string): Promise<string> {
    const [row] = await dataSource.query(
      'SELECT password FROM app_databases WHERE project_id = $1',
      [projectId],
    );
    return (row as { password: string }).password;
  }

  async function sandboxUrl(projectId: string, owner = databases): Promise<string> {
    const { DATABASE_URL } = await owner.sandboxEnv(projectId);
    if (!DATABASE_URL) {
      throw new Error(`project ${projectId} has no database`);
    }
    return DATABASE_URL;
  }

  /** Project `projectId`'s role and password, on another database of the server. */
  async function urlAs(projectId: string, database: string): Promise<string> {
    const credentials = (await databases.credentials(projectId))!;
    return appDatabaseUrl(pg.adminUrl, { ...credentials, database });
  }

  it('keeps the password sealed at rest; the sandbox URL still opens the database', async () => {
    const projectId = await stack.newProject();
    const { credentials } = await databases.ensure(projectId);
    const stored = await storedPassword(projectId);
    expect(stored).not.toContain(credentials.password);
    expect(stored).toMatch(/^aes-256-gcm:[A-Za-z0-9+/]+=*$/);
    const url = await sandboxUrl(projectId);
    expect(new URL(url).password).toBe(encodeURIComponent(credentials.password));
    expect(await connectError(url)).toBe('connected');
  });

  it('opens a row written in plaintext before sealing, and seals it then', async () => {
    const projectId = await stack.newProject();
    const { credentials } = await databases.ensure(projectId);
    await dataSource.query('UPDATE app_databases SET password = $2 WHERE project_id = $1', [
      projectId,
      credentials.password,
    ]);
    expect(await databases.credentials(projectId)).toEqual(credentials);
    const stored = await storedPassword(projectId);
    expect(stored).toMatch(/^aes-256-gcm:/);
    expect(stored).not.toContain(credentials.password);
    expect(await databases.credentials(projectId)).toEqual(credentials);
    expect(await connectError(await sandboxUrl(projectId))).toBe('connected');
  });

  it('refuses to open a password under another APPS_DATABASE_KEY, naming it', async () => {
    const projectId = await stack.newProject();
    await databases.ensure(projectId);
    const otherKey = stack.databases({ APPS_DATABASE_KEY: `${TEST_APPS_DATABASE_KEY}-another` });
    const refused = otherKey.sandboxEnv(projectId);
    await expect(refused).rejects.toBeInstanceOf(SecretCipherError);
    await expect(refused).rejects.toThrow(/does not open with APPS_DATABASE_KEY/);
    await expect(otherKey.ensure(projectId)).rejects.toThrow(/APPS_DATABASE_KEY/);
    // Nothing was rewritten: the right key still opens it.
    expect(await connectError(await sandboxUrl(projectId))).toBe('connected');
  });

  it("lets project A's role into its own database only: not postgres, template1, B's, Forge's or the operator's", async () => {
    const a = await stack.newProject();
    const b = await stack.newProject();
    await databases.ensure(a);
    const { credentials: credentialsB } = await databases.ensure(b);
    for (const database of [
      'postgres',
      'template1',
      credentialsB.database,
      'forge',
      'operator_data',
    ]) {
      expect([database, await connectOutcome(await urlAs(a, database))]).toEqual([
        database,
        { code: PERMISSION_DENIED, message: `permission denied for database "${database}"` },
      ]);
    }
    // template0 takes no connections from anyone.
    expect(await connectError(await urlAs(a, 'template0'))).toMatch(
      /not currently accepting connections/,
    );
    // Forge (the admin here) still gets into each; A and B into their own.
    for (const database of ['postgres', 'template1', 'forge', 'operator_data']) {
      expect(await connectError(pg.url(database))).toBe('connected');
    }
    expect(await connectError(await sandboxUrl(a))).toBe('connected');
    expect(await connectError(await sandboxUrl(b))).toBe('connected');
  });

  it("with APPS_DATABASE_REVOKE_PUBLIC_CONNECT=false leaves the server's other databases as they are, closing Forge's", async () => {
    await pg.query(pg.adminUrl, 'GRANT CONNECT ON DATABASE postgres, forge TO PUBLIC');
    try {
      const shared = stack.databases({ APPS_DATABASE_REVOKE_PUBLIC_CONNECT: 'false' });
      const projectId = await stack.newProject();
      await shared.ensure(projectId);
      expect(await connectError(await urlAs(projectId, 'postgres'))).toBe('connected');
      expect(await connectOutcome(await urlAs(projectId, 'forge'))).toMatchObject({
        code: PERMISSION_DENIED,
      });
    } finally {
      await pg.query(pg.adminUrl, 'REVOKE CONNECT ON DATABASE postgres, forge FROM PUBLIC');
    }
  });

  it('tells the databases an admin that does not own them cannot close, and closes its own', async () => {
    await pg.query(
      pg.adminUrl,
      `CREATE ROLE provisioner LOGIN CREATEDB CREATEROLE PASSWORD 'provisioner-password'`,
    );
    await pg.query(pg.adminUrl, 'CREATE DATABASE provisioner_own OWNER provisioner');
    await pg.query(pg.adminUrl, 'CREATE DATABASE not_provisioners');
    const url = new URL(pg.url('provisioner_own'));
    url.username = 'provisioner';
    url.password = 'provisioner-password';
    const admin = new AppDatabaseAdmin({
      adminUrl: url.toString(),
      connectionLimit: 1,
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 10_000,
    });
    expect(await admin.closeToPublic(['provisioner_own', 'not_provisioners', 'nowhere'])).toEqual({
      closed: ['provisioner_own'],
      refused: ['not_provisioners'],
      missing: ['nowhere'],
    });
    // And again, to the same end.
    expect(await admin.closeToPublic(['provisioner_own'])).toMatchObject({
      closed: ['provisioner_own'],
    });
    expect(await connectError(url.toString())).toBe('connected');
  });
});
