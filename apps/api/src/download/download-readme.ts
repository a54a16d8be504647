/** Where the app's SQL migrations live; their presence means the app needs its database. */
export const MIGRATIONS_DIR = 'db/migrations/';

/**
 * The README.md of a download (unless the agent wrote one): how to install, migrate, run and
 * build the app with npm, as the template's scripts do it.
 */
export function downloadReadme(name: string, slug: string, paths: Iterable<string>): string {
  const hasDatabase = [...paths].some(
    (path) => path.startsWith(MIGRATIONS_DIR) && path.endsWith('.sql'),
  );
  const url = `postgres://user:password@localhost:5432/${slug.replace(/-/g, '_')}`;
  const database = hasDatabase
    ? [
        'This app keeps its data in PostgreSQL: its tables are made by the SQL migrations in',
        '`db/migrations/`, and its server routes (`server/`) read `DATABASE_URL`. Create an empty',
        'database for it first (`createdb`), then:',
      ]
    : [
        'This app runs in the browser alone. It gains a database once it has SQL migrations in',
        '`db/migrations/`; then give it `DATABASE_URL` as below.',
      ];
  return [
    `# ${name}`,
    '',
    'Made with Forge: Vite, React, TypeScript and Tailwind CSS, with server routes under `/api`',
    '(Hono, in `server/`) served on the same origin as the page.',
    '',
    ...database,
    '',
    '```sh',
    'npm install',
    `DATABASE_URL=${url} npm run migrate`,
    `DATABASE_URL=${url} npm run dev`,
    '```',
    '',
    '`npm run migrate` applies the migrations not applied yet, in name order, each in one',
    'transaction, and records them in the table `forge_migrations`.',
    '',
    'For production, build once and start the Node server, which serves the built page and the',
    '`/api` routes (`PORT`, 3000 by default; `HOST`, 0.0.0.0 by default):',
    '',
    '```sh',
    `npm run build && DATABASE_URL=${url} npm start`,
    '```',
    '',
    '`DATABASE_URL` stays on the server: the page never sees it.',
    '',
  ].join('\n');
}
