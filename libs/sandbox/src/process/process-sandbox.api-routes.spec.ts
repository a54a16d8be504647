import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { makeTempDir, waitFor } from '../testing/test-helpers';
import type { ProcessSandbox } from './process-sandbox';
import { ProcessSandboxProvider } from './process-sandbox.provider';

const run = promisify(execFile);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const MIGRATION = `create table notes (
  id serial primary key,
  body text not null,
  created_at timestamptz not null default now()
);
insert into notes (body) values ('seeded by the migration');
`;

const serverApp = (label: string) => `import { Hono } from 'hono';
import { DatabaseUnavailableError, db } from './db';

export const app = new Hono().basePath('/api');

app.get('/notes', async (c) => {
  const rows = await db()\`select id, body from notes order by id\`;
  return c.json({ label: ${JSON.stringify(label)}, notes: rows });
});

app.post('/notes', async (c) => {
  const { body } = await c.req.json<{ body: string }>();
  const [row] = await db()\`insert into notes (body) values (\${body}) returning id, body\`;
  return c.json(row, 201);
});

app.notFound((c) => c.json({ error: 'no such route' }, 404));

app.onError((error, c) => {
  if (error instanceof DatabaseUnavailableError) return c.json({ error: error.message, code: error.code }, 503);
  return c.json({ error: error.message }, 500);
});
`;

const CLIENT_APP = `import { useEffect, useState } from 'react';

export default function App() {
  const [notes, setNotes] = useState<{ id: number; body: string }[]>([]);
  useEffect(() => {
    void fetch('/api/notes')
      .then((response) => response.json())
      .then((data: { notes: { id: number; body: string }[] }) => setNotes(data.notes));
  }, []);
  return <ul>{notes.map((note) => <li key={note.id}>{note.body}</li>)}</ul>;
}
`;

/** Routes of the published build only: who the server runs as, and whether it can rewrite itself. */
const PUBLISHED_ROUTES = `
app.get('/whoami', (c) => c.json({ uid: process.getuid?.() }));
app.get('/tamper', async (c) => {
  try {
    (await import('node:fs')).writeFileSync(new URL(import.meta.url), 'changed');
    return c.json({ wrote: true });
  } catch {
    return c.json({ wrote: false });
  }
});
`;

interface NotesAnswer {
  label: string;
  notes: { id: number; body: string }[];
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The starter's server routes (server/app.ts) served by its Vite dev server, in a real sandbox. */
describe('the starter’s /api routes in a process sandbox', () => {
  const database = `forge_api_routes_${randomBytes(4).toString('hex')}`;
  // Trust authentication ignores the password; it is here to be looked for in the bundle.
  const password = `pw${randomBytes(8).toString('hex')}`;
  const databaseUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.username = 'postgres';
    url.password = password;
    url.pathname = `/${database}`;
    return url.toString();
  })();
  let admin: Client;
  let base: string;
  let withDb: ProcessSandboxProvider;
  let withoutDb: ProcessSandboxProvider;
  let sandbox: ProcessSandbox;
  let url: string;

  beforeAll(async () => {
    admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    base = await makeTempDir('api-routes');
    const common = { templateCacheRoot: `${base}/cache`, poolSize: 0 };
    withDb = new ProcessSandboxProvider({
      ...common,
      root: `${base}/with-db`,
      env: { DATABASE_URL: databaseUrl },
    });
    withoutDb = new ProcessSandboxProvider({ ...common, root: `${base}/without-db` });
    sandbox = await withDb.open('notes');
    await sandbox.writeFiles([
      { path: 'db/migrations/001-create-notes.sql', content: MIGRATION },
      { path: 'server/app.ts', content: serverApp('first') },
      { path: 'src/App.tsx', content: CLIENT_APP },
    ]);
  }, 240_000);

  afterAll(async () => {
    await withDb?.shutdown();
    await withoutDb?.shutdown();
    await rm(base, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('applies the migrations with `npm run migrate`, once', async () => {
    const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: '' };
    const first = await run(process.execPath, ['tools/migrate.mjs'], {
      cwd: sandbox.workspaceDir,
      env,
    });
    expect(first.stdout).toContain('applied 001-create-notes.sql');
    const second = await run(process.execPath, ['tools/migrate.mjs'], {
      cwd: sandbox.workspaceDir,
      env,
    });
    expect(second.stdout).toContain('0 applied, 1 already there');
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const applied = await db.query<{ name: string; checksum: string }>(
        'select name, checksum from forge_migrations',
      );
      expect(applied.rows).toEqual([
        { name: '001-create-notes.sql', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('serves /api from the dev server, reads and writes the database, reloads server edits', async () => {
    ({ url } = await sandbox.startDevServer());
    const first = await json<NotesAnswer>(await fetch(`${url}/api/notes`));
    expect(first).toEqual({
      label: 'first',
      notes: [{ id: 1, body: 'seeded by the migration' }],
    });

    const created = await fetch(`${url}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'written through the route' }),
    });
    expect(created.status).toBe(201);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const stored = await db.query<{ body: string }>('select body from notes order by id');
      expect(stored.rows.map((row) => row.body)).toEqual([
        'seeded by the migration',
        'written through the route',
      ]);
    } finally {
      await db.end();
    }

    // An edit of the server code answers the next requests without a restart.
    const pid = sandbox.devServerPid;
    await sandbox.writeFiles([{ path: 'server/app.ts', content: serverApp('second') }]);
    const reloaded = await waitFor('the edited server route', async () => {
      const answer = await json<NotesAnswer>(await fetch(`${url}/api/notes`));
      return answer.label === 'second' ? answer : undefined;
    });
    expect(reloaded.notes).toHaveLength(2);
    expect(sandbox.devServerPid).toBe(pid);

    // The page is still the page, and the server's source is not served to the browser.
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain('/src/main.tsx');
    expect((await fetch(`${url}/server/app.ts`)).status).toBe(404);
    expect((await fetch(`${url}/server/db.ts?import`)).status).toBe(404);
    expect((await fetch(`${url}/%73erver/app.ts`)).status).toBe(404);
    expect((await fetch(`${url}/@fs${sandbox.workspaceDir}/server/db.ts`)).status).toBe(404);
    expect(
      (await fetch(`${url}/@fs${sandbox.workspaceDir}/db/migrations/001-create-notes.sql`)).status,
    ).toBe(404);
    expect((await fetch(`${url}/src/App.tsx`)).status).toBe(200);
    const unknown = await fetch(`${url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/json');
  }, 120_000);

  it('never puts DATABASE_URL in what the browser gets, served or built', async () => {
    url ||= (await sandbox.startDevServer()).url;
    for (const path of ['/', '/src/main.tsx', '/src/App.tsx', '/@vite/client', '/@vite/env']) {
      const body = await (await fetch(`${url}${path}`)).text();
      expect(body).not.toContain(password);
      expect(body).not.toContain(database);
    }
    const build = await sandbox.runTool(
      ['vite', 'build', '--outDir', 'node_modules/.forge-check', '--emptyOutDir'],
      { timeoutMs: 120_000 },
    );
    expect(build.exitCode).toBe(0);
    const outDir = join(sandbox.workspaceDir, 'node_modules', '.forge-check');
    const files = await listFiles(outDir);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const content = await readFile(file, 'utf8');
      expect(content).not.toContain(password);
      expect(content).not.toContain(database);
      expect(content).not.toContain('DATABASE_URL');
    }
  }, 180_000);

  it('publishes the server part: one bundle, run apart from the sandbox, isolated like it', async () => {
    const version = [
      { path: 'db/migrations/001-create-notes.sql', content: MIGRATION },
      { path: 'server/app.ts', content: serverApp('published') + PUBLISHED_ROUTES },
      { path: 'src/App.tsx', content: CLIENT_APP },
    ];
    const limits = { maxBytes: 5_000_000, maxFiles: 100, maxServerBytes: 5_000_000 };
    const built = await sandbox.buildSite(version, { ...limits, timeoutMs: 180_000 });
    if (!built.ok) {
      throw new Error(built.output);
    }
    expect(built.files.map((file) => file.path)).toContain('index.html');
    const bundle = built.server;
    expect(bundle).not.toBeNull();
    // Its packages are inside (it runs with no node_modules), its secrets are not.
    expect(bundle!.toString()).toContain('published');
    expect(bundle!.toString()).not.toMatch(/^import [^\n]*from ["'](hono|postgres|@hono\/)/m);
    expect(bundle!.toString()).not.toContain(password);
    await expect(
      sandbox.buildSite(version, { ...limits, maxServerBytes: 1_000, timeoutMs: 180_000 }),
    ).rejects.toMatchObject({ message: expect.stringContaining('PUBLISH_SERVER_MAX_BYTES') });

    const servers = withDb.appServers;
    // A folder an earlier runner left (it ended without stopping its servers) goes at the first start.
    const stale = join(`${base}/with-db`, 'published', 'gone-build-0');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'main.mjs'), 'left behind');
    const spec = {
      projectId: 'notes',
      buildId: 'build-1',
      bundle: bundle!,
      env: { DATABASE_URL: databaseUrl },
    };
    const appUrl = await servers.ensure(spec);
    expect(existsSync(stale)).toBe(false);
    expect(await servers.list()).toEqual(['notes']);
    const answer = await json<NotesAnswer>(await fetch(`${appUrl}/api/notes`));
    expect(answer.label).toBe('published');
    expect(answer.notes[0]).toEqual({ id: 1, body: 'seeded by the migration' });
    // Isolated, it runs as the sandbox's user (uid 1000 in its namespace) and cannot change its
    // own code; without bubblewrap, with the runner's rights.
    const isolated = withDb.isolation.active;
    const who = await json<{ uid: number }>(await fetch(`${appUrl}/api/whoami`));
    expect(who.uid).toBe(isolated ? 1000 : process.getuid!());
    if (isolated) {
      const tamper = await json<{ wrote: boolean }>(await fetch(`${appUrl}/api/tamper`));
      expect(tamper.wrote).toBe(false);
    }
    // The preview's sandbox sleeping does not stop it; asking again finds the same server.
    await sandbox.stop();
    expect((await fetch(`${appUrl}/api/notes`)).status).toBe(200);
    expect(await servers.ensure(spec)).toBe(appUrl);
    expect(await servers.current('notes')).toEqual({ buildId: 'build-1', url: appUrl });

    // Another build replaces it; a stop ends it.
    const next = await servers.ensure({ ...spec, buildId: 'build-2' });
    expect((await servers.current('notes'))?.buildId).toBe('build-2');
    await servers.stop('notes');
    expect(await servers.current('notes')).toBeNull();
    await expect(fetch(`${next}/api/notes`)).rejects.toThrow();

    // A bundle that does not start: a clear error with its output.
    await expect(
      servers.ensure({
        ...spec,
        buildId: 'broken',
        bundle: Buffer.from('throw new Error("no way")'),
      }),
    ).rejects.toMatchObject({ code: 'START_FAILED', message: expect.stringContaining('no way') });
  }, 300_000);

  it('answers 503 with a clear JSON error when the app has no database', async () => {
    const bare = await withoutDb.open('no-database');
    await bare.writeFiles([{ path: 'server/app.ts', content: serverApp('bare') }]);
    const { url: bareUrl } = await bare.startDevServer();
    const response = await fetch(`${bareUrl}/api/notes`);
    expect(response.status).toBe(503);
    const body = await json<{ error: string; code: string }>(response);
    expect(body.code).toBe('DATABASE_UNAVAILABLE');
    expect(body.error).toContain('DATABASE_URL is not set');
    // The starter's own health route works without one.
    await bare.writeFiles([{ path: 'server/app.ts', content: await starterApp() }]);
    const health = await waitFor('the starter health route', async () => {
      const answer = await fetch(`${bareUrl}/api/health`);
      return answer.status === 200 ? json<{ database: boolean }>(answer) : undefined;
    });
    expect(health).toEqual({ ok: true, database: false });
  }, 120_000);
});

async function starterApp(): Promise<string> {
  return readFile(join(__dirname, '..', '..', 'template', 'server', 'app.ts'), 'utf8');
}
