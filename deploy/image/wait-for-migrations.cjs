// Init step of the api and runner pods: waits until every migration the image knows is applied
// (by the migration Job), so new code never runs against an old schema. Reads DATABASE_URL.
'use strict';
const { DataSource } = require('typeorm');
const { dataSourceOptions } = require('@forge/db');

const POLL_MS = 2000;
const TIMEOUT_S = Number(process.env.WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS || 600);

async function pendingMigrations(url) {
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    return await dataSource.showMigrations();
  } finally {
    await dataSource.destroy();
  }
}

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const deadline = Date.now() + TIMEOUT_S * 1000;
  for (;;) {
    let reason;
    try {
      if (!(await pendingMigrations(url))) {
        console.log('wait-for-migrations: the schema is up to date');
        return;
      }
      reason = 'migrations are pending';
    } catch (error) {
      reason = `the database does not answer (${error.message})`;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${reason} after ${TIMEOUT_S} s (WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS); is the migration Job failing?`,
      );
    }
    console.log(`wait-for-migrations: ${reason}; retrying in ${POLL_MS} ms`);
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

main().catch((error) => {
  console.error(`wait-for-migrations: ${error.message}`);
  process.exit(1);
});
