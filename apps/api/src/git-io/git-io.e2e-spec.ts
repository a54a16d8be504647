import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import {
  call,
  signUp,
  startApiTestApp,
  TEST_UI_ORIGIN,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';
import { startGitHttpServer, type GitHttpServer } from './testing/git-http-server';
import { buildZip, type ZipBuildEntry } from './testing/zip-builder';

const run = promisify(execFile);
const TOKEN = 'test-token-0123456789abcdef';
// A real PNG's first bytes are enough to be binary: the 0x89 and NULs are not UTF-8 text.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

const APP_FILES: Record<string, string> = {
  'package.json': JSON.stringify({
    name: 'zip-app',
    private: true,
    type: 'module',
    dependencies: { react: '19.2.0', 'react-dom': '19.2.0' },
    devDependencies: { vite: '7.2.2' },
  }),
  'index.html': '<div id="root"></div><script type="module" src="/src/main.tsx"></script>\n',
  'src/main.tsx':
    "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<h1>Hi</h1>);\n",
};

function appZip(extra: ZipBuildEntry[] = [], top = 'zip-app-main/'): Buffer {
  return buildZip([
    ...Object.entries(APP_FILES).map(([name, data]) => ({ name: `${top}${name}`, data })),
    { name: `${top}public/logo.png`, data: PNG },
    { name: `${top}node_modules/left-out/index.js`, data: 'x' },
    { name: `${top}dist/index.html`, data: 'built' },
    ...extra,
  ]);
}

async function uploadZip(api: ApiTestApp, user: TestUser, zip: Buffer, name?: string) {
  const response = await fetch(
    `${api.url}/api/projects/import/zip${name ? `?name=${encodeURIComponent(name)}` : ''}`,
    {
      method: 'POST',
      headers: { cookie: user.cookie, origin: TEST_UI_ORIGIN, 'content-type': 'application/zip' },
      body: zip,
    },
  );
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as Record<string, unknown> & {
      code?: string;
      message?: string;
      id?: string;
    },
  };
}

/** The remote's history as a fresh clone shows it (oldest first), through the same auth. */
async function remoteLog(server: GitHttpServer, repo: string, branch: string) {
  const dir = await mkdtemp(join(tmpdir(), 'forge-clone-'));
  try {
    const basic = Buffer.from(`reader:${TOKEN}`).toString('base64');
    const env = {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    };
    await run('git', ['clone', '--quiet', '--branch', branch, `${server.url}/${repo}.git`, 'c'], {
      cwd: dir,
      env,
    });
    const { stdout } = await run('git', ['-C', 'c', 'log', '--reverse', '--format=%H %s'], {
      cwd: dir,
      env,
    });
    const logo = await readFile(join(dir, 'c', 'public/logo.png')).catch(() => null);
    const files = (await run('git', ['-C', 'c', 'ls-files'], { cwd: dir, env })).stdout
      .trim()
      .split('\n');
    return {
      commits: stdout
        .trim()
        .split('\n')
        .map((line) => ({ hash: line.slice(0, 40), subject: line.slice(41) })),
      logo,
      files,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('git push and git/zip import', () => {
  let api: ApiTestApp;
  let server: GitHttpServer;
  let db: Client;
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    server = await startGitHttpServer(TOKEN);
    api = await startApiTestApp({
      GIT_TOKEN_KEY: 'a-test-key-for-git-tokens-0123456789',
      GIT_ALLOW_HTTP_LOOPBACK: 'true',
      IMPORT_MAX_FILES: '500',
      IMPORT_MAX_BYTES: String(1024 * 1024),
    });
    db = new Client({ connectionString: api.db.url });
    await db.connect();
    owner = await signUp(api.url);
    other = await signUp(api.url);
  });

  afterAll(async () => {
    await db?.end();
    await api?.close();
    await server?.close();
  });

  async function addVersion(
    projectId: string,
    number: number,
    label: string,
    change: Record<string, string>,
  ) {
    const [{ files }] = (
      await db.query(
        `SELECT files FROM versions WHERE project_id = $1 ORDER BY number DESC LIMIT 1`,
        [projectId],
      )
    ).rows as { files: { path: string; content: string; encoding?: string }[] }[];
    const next = files.filter((file) => !(file.path in change));
    for (const [path, content] of Object.entries(change)) {
      next.push({ path, content });
    }
    await db.query(
      `INSERT INTO versions (project_id, number, reason, label, files) VALUES ($1, $2, 'phase', $3, $4)`,
      [projectId, number, label, JSON.stringify(next)],
    );
  }

  async function projectCount(user: TestUser): Promise<number> {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM projects WHERE owner_id = $1`, [
      user.id,
    ]);
    return (rows[0] as { n: number }).n;
  }

  it('imports a zip: its files become version 1, binary files as base64, node_modules and dist left out', async () => {
    const { status, body } = await uploadZip(api, owner, appZip());
    expect(status).toBe(201);
    expect(body.name).toBe('zip-app');
    const { rows } = await db.query(
      `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path`,
      [body.id],
    );
    expect(rows.map((row: { path: string }) => row.path)).toEqual([
      'index.html',
      'package.json',
      'public/logo.png',
      'src/main.tsx',
    ]);
    const logo = rows.find((row: { path: string }) => row.path === 'public/logo.png') as {
      content: string;
      encoding: string;
    };
    expect(logo.encoding).toBe('base64');
    expect(Buffer.from(logo.content, 'base64').equals(PNG)).toBe(true);
    const versions = await call(api.url, 'GET', `/api/projects/${body.id}/versions`, {
      cookie: owner.cookie,
    });
    expect(versions.body.versions).toEqual([
      expect.objectContaining({ number: 1, label: 'Imported from a zip', fileCount: 4 }),
    ]);
    // The app is whole as imported: none of the starter's files (its server, lockfile, tools)
    // joins it in the code view, and so none in its sandbox or its zip.
    const starter = await call(api.url, 'GET', `/api/projects/${body.id}/starter-files`, {
      cookie: owner.cookie,
    });
    expect(starter.status).toBe(200);
    expect(starter.body.files).toEqual([]);
  });

  it('pushes one commit per version with its label, then only the new versions; the token never comes back', async () => {
    const imported = await uploadZip(api, owner, appZip(), 'pushed app');
    const projectId = imported.body.id!;
    await addVersion(projectId, 2, 'Add a counter', {
      'src/Counter.tsx': 'export const Counter = () => null;\n',
    });
    await server.createRepository('pushed');

    const set = await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
      cookie: owner.cookie,
      body: { url: `${server.url}/pushed.git`, branch: 'forge/main', token: TOKEN },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual(expect.objectContaining({ tokenSet: true, pushedVersion: null }));
    expect(JSON.stringify(set.body)).not.toContain(TOKEN);
    const { rows } = await db.query(
      `SELECT token_ciphertext FROM git_remotes WHERE project_id = $1`,
      [projectId],
    );
    expect((rows[0] as { token_ciphertext: string }).token_ciphertext).not.toContain(TOKEN);

    const first = await call(api.url, 'POST', `/api/projects/${projectId}/git/push`, {
      cookie: owner.cookie,
    });
    expect(first.status).toBe(200);
    expect(first.body.pushedVersion).toBe(2);
    const once = await remoteLog(server, 'pushed', 'forge/main');
    expect(once.commits.map((commit) => commit.subject)).toEqual([
      'Imported from a zip',
      'Add a counter',
    ]);
    expect(once.commits.at(-1)!.hash).toBe(first.body.lastCommit);
    expect(once.logo?.equals(PNG)).toBe(true);
    expect(once.files).toContain('src/Counter.tsx');

    await addVersion(projectId, 3, 'Style the counter', {
      'src/Counter.tsx': 'export const Counter = () => <b>1</b>;\n',
    });
    const second = await call(api.url, 'POST', `/api/projects/${projectId}/git/push`, {
      cookie: owner.cookie,
    });
    expect(second.status).toBe(200);
    expect(second.body.pushedVersion).toBe(3);
    const twice = await remoteLog(server, 'pushed', 'forge/main');
    expect(twice.commits.map((commit) => commit.subject)).toEqual([
      'Imported from a zip',
      'Add a counter',
      'Style the counter',
    ]);
    // The earlier commits are the same ones: the second push only added.
    expect(twice.commits.slice(0, 2)).toEqual(once.commits);

    const status = await call(api.url, 'GET', `/api/projects/${projectId}/git`, {
      cookie: owner.cookie,
    });
    expect(status.body.remote).toEqual(
      expect.objectContaining({
        tokenSet: true,
        pushedVersion: 3,
        lastCommit: twice.commits[2]!.hash,
      }),
    );
    expect(JSON.stringify(status.body)).not.toContain(TOKEN);
    // Every request reached the loopback server only, and those with credentials had the right ones.
    expect(server.requests.some((request) => request.authorized)).toBe(true);

    // Another account imports that repository as a new project: the files of version 3.
    const imported2 = await call(api.url, 'POST', '/api/projects/import/git', {
      cookie: other.cookie,
      body: { url: `${server.url}/pushed.git`, branch: 'forge/main', token: TOKEN },
    });
    expect(imported2.status).toBe(201);
    expect(imported2.body.name).toBe('pushed');
    const files = await db.query(
      `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path`,
      [imported2.body.id],
    );
    expect(files.rows.map((row: { path: string }) => row.path)).toEqual([
      'index.html',
      'package.json',
      'public/logo.png',
      'src/Counter.tsx',
      'src/main.tsx',
    ]);
    const counter = files.rows.find((row: { path: string }) => row.path === 'src/Counter.tsx') as {
      content: string;
    };
    expect(counter.content).toBe('export const Counter = () => <b>1</b>;\n');
    const logo = files.rows.find((row: { path: string }) => row.path === 'public/logo.png') as {
      content: string;
      encoding: string;
    };
    expect(logo.encoding).toBe('base64');
    expect(Buffer.from(logo.content, 'base64').equals(PNG)).toBe(true);
  });

  it('says a wrong token is refused, on push and on import, and leaves no project behind', async () => {
    const imported = await uploadZip(api, owner, appZip(), 'wrong token');
    const projectId = imported.body.id!;
    await server.createRepository('guarded');
    await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
      cookie: owner.cookie,
      body: { url: `${server.url}/guarded.git`, branch: 'main', token: 'not-the-token' },
    });
    const push = await call(api.url, 'POST', `/api/projects/${projectId}/git/push`, {
      cookie: owner.cookie,
    });
    expect(push.status).toBe(400);
    expect(push.body.code).toBe('GIT_AUTH_FAILED');
    expect(push.body.message).toContain('token');
    expect(push.body.message).not.toContain('not-the-token');

    const before = await projectCount(other);
    const clone = await call(api.url, 'POST', '/api/projects/import/git', {
      cookie: other.cookie,
      body: { url: `${server.url}/guarded.git`, token: 'not-the-token' },
    });
    expect(clone.status).toBe(400);
    expect(clone.body.code).toBe('GIT_AUTH_FAILED');
    expect(await projectCount(other)).toBe(before);
  });

  it('says when a repository has nothing on its default branch, and imports the branch named', async () => {
    await server.createRepository('elsewhere');
    // HEAD names main; the app is only on another branch.
    const imported = await uploadZip(api, owner, appZip(), 'elsewhere');
    await call(api.url, 'PUT', `/api/projects/${imported.body.id}/git`, {
      cookie: owner.cookie,
      body: { url: `${server.url}/elsewhere.git`, branch: 'feature', token: TOKEN },
    });
    const pushed = await call(api.url, 'POST', `/api/projects/${imported.body.id}/git/push`, {
      cookie: owner.cookie,
    });
    expect(pushed.status).toBe(200);
    const headless = await call(api.url, 'POST', '/api/projects/import/git', {
      cookie: other.cookie,
      body: { url: `${server.url}/elsewhere.git`, token: TOKEN },
    });
    expect(headless.status).toBe(400);
    expect(headless.body.code).toBe('IMPORT_NO_BRANCH');
    const named = await call(api.url, 'POST', '/api/projects/import/git', {
      cookie: other.cookie,
      body: { url: `${server.url}/elsewhere.git`, token: TOKEN, branch: 'feature' },
    });
    expect(named.status).toBe(201);
  });

  it('refuses remotes that are not https (http only on loopback here) and credentials in the URL', async () => {
    const imported = await uploadZip(api, owner, appZip(), 'remotes');
    const projectId = imported.body.id!;
    for (const url of [
      'http://example.com/app.git',
      'ssh://git@example.com/app.git',
      'file:///etc',
      `http://user:${TOKEN}@127.0.0.1/app.git`,
      'https://example.com/app.git?x=1',
    ]) {
      const result = await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
        cookie: owner.cookie,
        body: { url, branch: 'main' },
      });
      expect({ url, status: result.status, code: result.body.code }).toEqual({
        url,
        status: 400,
        code: 'GIT_BAD_REMOTE_URL',
      });
    }
    const branch = await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
      cookie: owner.cookie,
      body: { url: `${server.url}/x.git`, branch: '--upload-pack=evil' },
    });
    expect(branch.body.code).toBe('GIT_BAD_BRANCH');
  });

  it("keeps another user's project out of reach: its remote can't be seen, set or pushed", async () => {
    const imported = await uploadZip(api, owner, appZip(), 'private');
    const projectId = imported.body.id!;
    await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
      cookie: owner.cookie,
      body: { url: `${server.url}/private.git`, branch: 'main', token: TOKEN },
    });
    const seen = await call(api.url, 'GET', `/api/projects/${projectId}/git`, {
      cookie: other.cookie,
    });
    const set = await call(api.url, 'PUT', `/api/projects/${projectId}/git`, {
      cookie: other.cookie,
      body: { url: `${server.url}/theirs.git`, branch: 'main', token: 'x' },
    });
    const pushed = await call(api.url, 'POST', `/api/projects/${projectId}/git/push`, {
      cookie: other.cookie,
    });
    expect([seen.status, set.status, pushed.status]).toEqual([404, 404, 404]);
    const anonymous = await call(api.url, 'GET', `/api/projects/${projectId}/git`);
    expect(anonymous.status).toBe(401);
  });

  describe('hostile zips are refused with a clear error and leave no project', () => {
    const cases: { name: string; zip: () => Buffer; code: string; says: string }[] = [
      {
        name: 'a ../ path',
        zip: () => appZip([{ name: 'zip-app-main/../../evil.txt', data: 'x' }]),
        code: 'IMPORT_BAD_PATH',
        says: '..',
      },
      {
        name: 'an absolute path',
        zip: () => buildZip([{ name: '/etc/cron.d/evil', data: 'x' }]),
        code: 'IMPORT_BAD_PATH',
        says: 'relative',
      },
      {
        name: 'a path under node_modules going up',
        zip: () => appZip([{ name: 'node_modules/../../x', data: 'x' }]),
        code: 'IMPORT_BAD_PATH',
        says: '..',
      },
      {
        name: 'a symbolic link',
        zip: () =>
          appZip([{ name: 'zip-app-main/src/passwd', data: '/etc/passwd', unixMode: 0o120777 }]),
        code: 'IMPORT_LINK',
        says: 'link',
      },
      {
        name: 'a 10,000-file archive',
        zip: () =>
          buildZip(
            Array.from({ length: 10_000 }, (_, i) => ({
              name: `f/${i}.txt`,
              data: '',
              method: 0 as const,
            })),
          ),
        code: 'IMPORT_TOO_MANY_FILES',
        says: 'IMPORT_MAX_FILES',
      },
      {
        name: 'a zip bomb that declares its real size',
        zip: () =>
          appZip([{ name: 'zip-app-main/bomb.txt', data: Buffer.alloc(64 * 1024 * 1024) }]),
        code: 'IMPORT_TOO_LARGE',
        says: 'IMPORT_MAX_BYTES',
      },
      {
        name: 'a zip bomb that lies about its size',
        zip: () =>
          appZip([
            {
              name: 'zip-app-main/bomb.txt',
              data: Buffer.alloc(64 * 1024 * 1024),
              declaredSize: 100,
            },
          ]),
        code: 'IMPORT_BAD_ARCHIVE',
        says: 'declares',
      },
      {
        name: 'a path twice',
        zip: () => appZip([{ name: 'zip-app-main/index.html', data: 'again' }]),
        code: 'IMPORT_BAD_PATH',
        says: 'twice',
      },
      {
        name: 'not a zip',
        zip: () => Buffer.from('just some text, no archive at all'),
        code: 'IMPORT_BAD_ARCHIVE',
        says: 'zip',
      },
      {
        name: 'an app without vite',
        zip: () =>
          buildZip([{ name: 'package.json', data: '{"dependencies":{"react":"19.2.0"}}' }]),
        code: 'IMPORT_NOT_AN_APP',
        says: 'vite',
      },
    ];
    for (const { name, zip, code, says } of cases) {
      it(name, async () => {
        const before = await projectCount(owner);
        const files = (await db.query(`SELECT count(*)::int AS n FROM generated_files`))
          .rows[0] as { n: number };
        const { status, body } = await uploadZip(api, owner, zip());
        expect({ status: status >= 400 && status < 500, code: body.code }).toEqual({
          status: true,
          code,
        });
        expect(body.message).toContain(says);
        expect(await projectCount(owner)).toBe(before);
        expect((await db.query(`SELECT count(*)::int AS n FROM generated_files`)).rows[0]).toEqual(
          files,
        );
      });
    }

    it('an upload larger than IMPORT_MAX_BYTES is cut off as it arrives', async () => {
      const { status, body } = await uploadZip(api, owner, Buffer.alloc(2 * 1024 * 1024));
      expect(status).toBe(413);
      expect(body.message).toContain('IMPORT_MAX_BYTES');
    });
  });
});
