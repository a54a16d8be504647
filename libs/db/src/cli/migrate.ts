import { runMigrations } from '../data-source';

/** `node libs/db/dist/cli/migrate.js <database-url>` — used by npm start and the images. */
async function main() {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error('usage: migrate <database-url> (or set DATABASE_URL)');
  }
  const applied = await runMigrations(url);
  process.stdout.write(
    applied.length
      ? `migrations applied: ${applied.join(', ')}\n`
      : 'database schema is up to date\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
