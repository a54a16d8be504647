// `npm run migrate`: applies db/migrations/NNN-name.sql in order, each in one transaction, and
// records it in forge_migrations, the table Forge's own migration step keeps, so an app moved
// between Forge and another server never applies a migration twice.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';

const DIR = join('db', 'migrations');
const NAME = /^\d{3,}-[A-Za-z0-9_.-]+\.sql$/;
// Any constant works, as long as Forge's migration step takes the same lock.
const LOCK_KEY = 4_271_957_019;

function fail(message) {
  console.error(`migrate: ${message}`);
  process.exit(1);
}

const url = process.env.DATABASE_URL;
if (!url)
  fail('DATABASE_URL is not set (DATABASE_URL=postgres://user:password@host/db npm run migrate)');

const files = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((name) => name.endsWith('.sql'))
      .sort()
  : [];
const badName = files.find((name) => !NAME.test(name));
if (badName)
  fail(`${join(DIR, badName)}: a migration is named NNN-name.sql (e.g. 001-create-notes.sql)`);

const sql = postgres(url, { max: 1, onnotice: () => {} });
try {
  await sql`create table if not exists forge_migrations (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`;
  let applied = 0;
  for (const name of files) {
    const text = readFileSync(join(DIR, name), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const done = await sql
      .begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
        const [row] = await tx`select checksum from forge_migrations where name = ${name}`;
        if (row) {
          if (row.checksum !== checksum) {
            throw new Error(`${name} changed after it was applied: write a new migration instead`);
          }
          return false;
        }
        await tx.unsafe(text);
        await tx`insert into forge_migrations (name, checksum) values (${name}, ${checksum})`;
        return true;
      })
      .catch((error) => fail(`${name}: ${error.message}`));
    if (done) {
      applied++;
      console.log(`migrate: applied ${name}`);
    }
  }
  console.log(`migrate: ${applied} applied, ${files.length - applied} already there`);
} finally {
  await sql.end({ timeout: 5 });
}
