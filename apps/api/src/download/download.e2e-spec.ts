import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { prepareTemplate } from '@forge/sandbox';
import { DEMO_APPS } from '@forge/scripted-llm';
import {
  call,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';
import { createTestDatabase } from '../../../../test/support/test-database';
import { readStarterTemplate } from './starter-template';

const run = promisify(execFile);
const UNZIP = '/usr/bin/unzip';
// The template's packages, installed once (bun) into a cache kept between runs.
const TEMPLATE_CACHE = join(tmpdir(), 'forge-download-template');
/** `tsc -b && vite build` of the downloaded app; far more than it takes, for a busy machine. */
const BUILD_TIMEOUT_MS = 180_000;
const DOWNLOAD_MAX_BYTES = 256 * 1024;

const APP_TSX = `import { Counter } from './components/Counter';

export default function App() {
  return (
    <main>
      <h1>Downloaded counter</h1>
      <Counter start={3} />
    </main>
  );
}
`;
const COUNTER_TSX = `import { useState } from 'react';

export function Counter({ start }: { start: number }) {
  const [count, setCount] = useState(start);
  return <button onClick={() => setCount(count + 1)}>Clicked {count} times</button>;
}
`;

const SCOF_BLOCK = /^cat > (\S+) << 'EOF'\n([\s\S]*?)^EOF$/gm;

/** Resolves with the address `npm start` prints once it listens. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`npm start did not listen:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start ended (${code}):\n${output}`));
    });
  });
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await listFiles(root, path)));
    } else {
      found.push(relative(root, path));
    }
  }
  return found.sort();
}

describe('project download (e2e)', () => {
  let api: ApiTestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let work: string;
  let projectId: string;

  const createProject = async (name: string): Promise<string> =>
    (await call(api.url, 'POST', '/api/projects', { cookie: owner.cookie, body: { name } })).body
      .id;
  const addFile = (id: string, path: string, content: string) =>
    api.db.query(
      `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, $2, $3, 1)`,
      [id, path, content],
    );
  const download = (id: string, user: TestUser | null = owner) =>
    fetch(`${api.url}/api/projects/${id}/download`, {
      headers: user ? { cookie: user.cookie } : {},
    });
  /** Downloads the project's zip, checks it with unzip -t and extracts it into a new folder. */
  const downloadAndUnzip = async (id: string, name: string): Promise<string> => {
    const response = await download(id);
    expect(response.status).toBe(200);
    const zip = join(work, `${name}.zip`);
    await writeFile(zip, Buffer.from(await response.arrayBuffer()));
    expect((await run(UNZIP, ['-t', zip])).stdout).toMatch(/No errors detected/);
    const dir = join(work, name);
    await run(UNZIP, ['-q', zip, '-d', dir]);
    return dir;
  };

  beforeAll(async () => {
    api = await startApiTestApp({ DOWNLOAD_MAX_BYTES: String(DOWNLOAD_MAX_BYTES) });
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    work = await mkdtemp(join(tmpdir(), 'forge-download-'));
    projectId = await createProject('My Counter App!');
    await addFile(projectId, 'src/App.tsx', APP_TSX);
    await addFile(projectId, 'src/components/Counter.tsx', COUNTER_TSX);
    const phases = [
      { number: 1, name: 'Counter', dependencies: ['zustand@5', 'react'] },
      { number: 2, name: 'Dates', dependencies: ['date-fns', '@tanstack/react-query@^5.0.0'] },
      { number: 3, name: 'Types', dependencies: ['typescript@5.9.3', 'zustand'] },
    ];
    await api.db.query(`UPDATE agent_states SET phases = $2 WHERE project_id = $1`, [
      projectId,
      JSON.stringify(phases),
    ]);
  });

  afterAll(async () => {
    await api.close();
    await rm(work, { recursive: true, force: true });
  });

  it('sends a zip named after the project, as an attachment', async () => {
    const response = await download(projectId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="my-counter-app.zip"',
    );
    const body = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
    expect(body.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  });

  it(
    'holds the template under the project’s files, with the agent’s packages, and builds',
    async () => {
      const dir = await downloadAndUnzip(projectId, 'counter');
      const template = await readStarterTemplate();
      expect(await listFiles(dir)).toEqual(
        [...template.map((file) => file.path), 'README.md', 'src/components/Counter.tsx'].sort(),
      );
      expect(await readFile(join(dir, 'src/App.tsx'), 'utf8')).toBe(APP_TSX);
      expect(await readFile(join(dir, 'src/components/Counter.tsx'), 'utf8')).toBe(COUNTER_TSX);
      const templateFile = (path: string) =>
        template.find((file) => file.path === path)?.data.toString('utf8');
      expect(await readFile(join(dir, 'index.html'), 'utf8')).toBe(templateFile('index.html'));

      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      const templateManifest = JSON.parse(templateFile('package.json') ?? '{}');
      expect(manifest).toEqual({
        ...templateManifest,
        name: 'my-counter-app',
        dependencies: {
          ...templateManifest.dependencies,
          '@tanstack/react-query': '^5.0.0',
          'date-fns': 'latest',
          // Named again without a version: the template's pin stays.
          react: templateManifest.dependencies.react,
          'react-dom': templateManifest.dependencies['react-dom'],
          // "zustand" in phase 3 does not undo phase 1's "zustand@5".
          zustand: '5',
        },
        devDependencies: { ...templateManifest.devDependencies, typescript: '5.9.3' },
      });
      expect(Object.keys(manifest.dependencies)).toEqual(Object.keys(manifest.dependencies).sort());

      // `npm run build` with the template's packages, installed once by bun: no network.
      const prepared = await prepareTemplate(TEMPLATE_CACHE);
      const modules = join(prepared.dir, 'node_modules');
      await mkdir(join(dir, 'node_modules'));
      for (const entry of await readdir(modules)) {
        await symlink(join(modules, entry), join(dir, 'node_modules', entry));
      }
      const build = await run('npm', ['run', 'build'], {
        cwd: dir,
        timeout: BUILD_TIMEOUT_MS,
        env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' },
      }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`npm run build failed (${error.code}):\n${error.stdout}\n${error.stderr}`);
      });
      expect(build.stdout).toMatch(/tsc -b && vite build/);
      expect(existsSync(join(dir, 'dist', 'index.html'))).toBe(true);
      const assets = await readdir(join(dir, 'dist', 'assets'));
      const scripts = await Promise.all(
        assets
          .filter((name) => name.endsWith('.js'))
          .map((name) => readFile(join(dir, 'dist', 'assets', name), 'utf8')),
      );
      expect(scripts.join('\n')).toContain('Downloaded counter');
    },
    BUILD_TIMEOUT_MS + 60_000,
  );

  it(
    'holds a full-stack app that installs with npm, migrates a real database and serves /api',
    async () => {
      const id = await createProject('Guest Book');
      // The demo's guestbook and its follow-up, as the agent stores them.
      for (const phase of DEMO_APPS.guestbook.phases) {
        for (const [, path, content] of phase.implementation.matchAll(SCOF_BLOCK)) {
          await api.db.query(
            `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, $2, $3, 1)
             ON CONFLICT (project_id, path) DO UPDATE SET content = excluded.content`,
            [id, path, content],
          );
        }
      }
      const dir = await downloadAndUnzip(id, 'guest-book');
      const readme = await readFile(join(dir, 'README.md'), 'utf8');
      expect(readme).toContain('# Guest Book');
      expect(readme).toContain('npm install');
      expect(readme).toMatch(/DATABASE_URL=\S+ npm run migrate/);
      expect(readme).toMatch(/DATABASE_URL=\S+ npm run dev/);
      expect(readme).toContain('npm run build && ');
      expect(readme).toContain('npm start');
      expect(readme).toContain('keeps its data in PostgreSQL');

      // The app's own database: an empty one on the test server, as `createdb` would make it.
      const appDb = await createTestDatabase({ migrate: false });
      const databaseUrl = appDb.url;
      const env = { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' };
      const npm = (args: string[], extra: Record<string, string> = {}) =>
        run('npm', args, { cwd: dir, timeout: BUILD_TIMEOUT_MS, env: { ...env, ...extra } }).catch(
          (error: { code?: number; stdout?: string; stderr?: string }) => {
            throw new Error(
              `npm ${args.join(' ')} failed (${error.code}):\n${error.stdout}\n${error.stderr}`,
            );
          },
        );
      let server: ChildProcess | undefined;
      try {
        // The real registry, as a user's machine would use it.
        await npm(['install', '--no-audit', '--no-fund']);
        const migrated = await npm(['run', 'migrate'], { DATABASE_URL: databaseUrl });
        expect(migrated.stdout).toContain('2 applied, 0 already there');
        await npm(['run', 'build']);
        await appDb.query(
          `INSERT INTO entries (name, message, mood) VALUES ('Ada', 'hello', 'happy'), ('Bob', 'hi', '')`,
        );

        server = spawn('npm', ['start'], {
          cwd: dir,
          env: { ...env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1' },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        const base = await listeningUrl(server);
        const entries = (await (await fetch(`${base}/api/entries`)).json()) as {
          name: string;
          mood: string;
        }[];
        expect(entries.map((entry) => [entry.name, entry.mood])).toEqual([
          ['Bob', ''],
          ['Ada', 'happy'],
        ]);
        const created = await fetch(`${base}/api/entries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Cy', message: 'from the zip', mood: 'curious' }),
        });
        expect(created.status).toBe(201);
        expect(await appDb.query('SELECT name FROM entries ORDER BY id')).toEqual([
          { name: 'Ada' },
          { name: 'Bob' },
          { name: 'Cy' },
        ]);
        const page = await (await fetch(`${base}/`)).text();
        expect(page).toContain('<div id="root">');
        const bundle = (await listFiles(join(dir, 'dist'))).filter((f) => f.endsWith('.js'));
        for (const file of bundle) {
          expect(await readFile(join(dir, 'dist', file), 'utf8')).not.toContain(databaseUrl);
        }
      } finally {
        if (server?.pid !== undefined && server.exitCode === null) {
          const exited = new Promise((resolve) => server!.once('exit', resolve));
          process.kill(-server.pid, 'SIGTERM');
          await exited;
        }
        await appDb.drop();
      }
    },
    4 * BUILD_TIMEOUT_MS,
  );

  it('keeps a package.json the agent wrote as it is', async () => {
    const id = await createProject('Own manifest');
    const own = '{ "name": "own-manifest", "private": true }\n';
    await addFile(id, 'package.json', own);
    await api.db.query(`UPDATE agent_states SET phases = $2 WHERE project_id = $1`, [
      id,
      JSON.stringify([{ number: 1, dependencies: ['zustand@5'] }]),
    ]);
    const dir = await downloadAndUnzip(id, 'own-manifest');
    expect(await readFile(join(dir, 'package.json'), 'utf8')).toBe(own);
    expect(existsSync(join(dir, 'bun.lock'))).toBe(false);
  });

  it('leaves out a starter file the agent deleted, and writes a binary file as its bytes', async () => {
    const id = await createProject('Deleted starter');
    // Every byte value: a text round trip would mangle most of them.
    const image = Buffer.from(Array.from({ length: 3_000 }, (_, i) => (i * 151 + 7) % 256));
    await api.db.query(
      `INSERT INTO generated_files (project_id, path, content, encoding, phase) VALUES ($1, $2, $3, 'base64', 1)`,
      [id, 'public/logo.png', image.toString('base64')],
    );
    await api.db.query(`UPDATE agent_states SET deleted_paths = $2 WHERE project_id = $1`, [
      id,
      JSON.stringify(['src/index.css', 'src/gone.ts']),
    ]);
    const dir = await downloadAndUnzip(id, 'deleted-starter');
    const template = await readStarterTemplate();
    expect(template.some((file) => file.path === 'src/index.css')).toBe(true);
    expect(existsSync(join(dir, 'src/index.css'))).toBe(false);
    expect(await readFile(join(dir, 'public/logo.png'))).toEqual(image);
    expect(await listFiles(dir)).toEqual(
      [
        ...template.map((file) => file.path).filter((path) => path !== 'src/index.css'),
        'public/logo.png',
        // The README the zip adds (how to install, migrate, run and build).
        'README.md',
      ].sort(),
    );
  });

  it('names a project with no usable letters forge-app.zip', async () => {
    const id = await createProject('!!!');
    const response = await download(id);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="forge-app.zip"',
    );
  });

  it('refuses a project larger than DOWNLOAD_MAX_BYTES with 413', async () => {
    const id = await createProject('Huge');
    await addFile(id, 'src/data.ts', `export const data = '${'x'.repeat(DOWNLOAD_MAX_BYTES)}';\n`);
    const response = await download(id);
    expect(response.status).toBe(413);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('DOWNLOAD_TOO_LARGE');
    expect(body.message).toContain(`limited to ${DOWNLOAD_MAX_BYTES} bytes (DOWNLOAD_MAX_BYTES)`);
  });

  it('answers 404 for another user’s or an unknown project, and 401 without a session', async () => {
    for (const [id, user] of [
      [projectId, stranger],
      ['00000000-0000-4000-8000-000000000000', owner],
      ['nope', owner],
    ] as const) {
      const response = await download(id, user);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('PROJECT_NOT_FOUND');
    }
    const anonymous = await download(projectId, null);
    expect(anonymous.status).toBe(401);
  });
});
