import { request } from 'node:http';
import { call, signUp, type TestUser, useApiTestApp } from '../testing/api-test-app';

/** GET with the path sent exactly as written: fetch would normalise "..", "%2e%2e" and "//". */
function rawGet(
  baseUrl: string,
  path: string,
  cookie: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('project files and messages (e2e)', () => {
  const api = useApiTestApp();
  let owner: TestUser;
  let projectId: string;

  beforeAll(async () => {
    owner = await signUp(api.url);
    projectId = (
      await call(api.url, 'POST', '/api/projects', {
        cookie: owner.cookie,
        body: { name: 'Files' },
      })
    ).body.id;
    const files: [string, string][] = [
      ['src/App.tsx', 'export default function App() {\n  return <h1>Héllo</h1>;\n}\n'],
      ['index.html', '<div id="root"></div>\n'],
      ['src/components/List.tsx', 'export const List = () => null;\n'],
    ];
    for (const [path, content] of files) {
      await api.db.query(
        `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, $2, $3, 1)`,
        [projectId, path, content],
      );
    }
    for (const [role, content] of [
      ['user', 'A todo app'],
      ['assistant', 'Planning 2 phases'],
      ['user', 'Add dark mode'],
    ]) {
      await api.db.query(
        `INSERT INTO conversation_messages (project_id, role, content) VALUES ($1, $2, $3)`,
        [projectId, role, content],
      );
    }
  });

  it('lists the files sorted by path with their sizes in bytes', async () => {
    const result = await call(api.url, 'GET', `/api/projects/${projectId}/files`, {
      cookie: owner.cookie,
    });
    expect(result.status).toBe(200);
    expect(result.body.files.map((f: { path: string; size: number }) => [f.path, f.size])).toEqual([
      ['index.html', 22],
      [
        'src/App.tsx',
        Buffer.byteLength('export default function App() {\n  return <h1>Héllo</h1>;\n}\n'),
      ],
      ['src/components/List.tsx', 32],
    ]);
  });

  it('returns one file’s content exactly', async () => {
    const result = await call(api.url, 'GET', `/api/projects/${projectId}/files/src/App.tsx`, {
      cookie: owner.cookie,
    });
    expect(result.status).toBe(200);
    expect(result.body.content).toBe(
      'export default function App() {\n  return <h1>Héllo</h1>;\n}\n',
    );
  });

  it('lists and returns a binary file as its size in bytes and its base64', async () => {
    const id = (
      await call(api.url, 'POST', '/api/projects', {
        cookie: owner.cookie,
        body: { name: 'Images' },
      })
    ).body.id;
    const image = Buffer.from(Array.from({ length: 1_001 }, (_, i) => (i * 151 + 5) % 256));
    await api.db.query(
      `INSERT INTO generated_files (project_id, path, content, encoding, phase) VALUES ($1, 'public/logo.png', $2, 'base64', 1)`,
      [id, image.toString('base64')],
    );
    const list = await call(api.url, 'GET', `/api/projects/${id}/files`, { cookie: owner.cookie });
    expect(list.body.files).toEqual([
      { path: 'public/logo.png', size: 1_001, updatedAt: expect.any(String) },
    ]);
    const file = await call(api.url, 'GET', `/api/projects/${id}/files/public/logo.png`, {
      cookie: owner.cookie,
    });
    expect(file.body).toMatchObject({ size: 1_001, encoding: 'base64' });
    expect(Buffer.from(file.body.content, 'base64')).toEqual(image);
  });

  it('answers 404 for a file that does not exist', async () => {
    const result = await call(api.url, 'GET', `/api/projects/${projectId}/files/src/Nope.tsx`, {
      cookie: owner.cookie,
    });
    expect(result).toMatchObject({ status: 404, body: { code: 'FILE_NOT_FOUND' } });
  });

  it.each([
    ['a parent segment', '../../etc/passwd'],
    ['a parent segment inside', 'src/../../x'],
    ['an encoded parent segment', '%2e%2e/%2e%2e/etc/passwd'],
    ['an encoded parent segment, upper case', 'src/%2E%2E/x'],
    ['an absolute path', '/etc/passwd'],
    ['an encoded absolute path', '%2fetc%2fpasswd'],
    ['a backslash', 'src%5c..%5cx'],
    ['a NUL byte', 'src/App.tsx%00.png'],
    ['node_modules', 'node_modules/react/index.js'],
  ])('refuses %s with 400', async (_label, path) => {
    const result = await rawGet(api.url, `/api/projects/${projectId}/files/${path}`, owner.cookie);
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body).message).toMatch(/^Invalid file path/);
  });

  it('returns the chat history oldest first, paging back in time', async () => {
    const latest = await call(api.url, 'GET', `/api/projects/${projectId}/messages?limit=2`, {
      cookie: owner.cookie,
    });
    expect(latest.status).toBe(200);
    expect(latest.body.items.map((m: { content: string }) => m.content)).toEqual([
      'Planning 2 phases',
      'Add dark mode',
    ]);
    const older = await call(
      api.url,
      'GET',
      `/api/projects/${projectId}/messages?limit=2&cursor=${latest.body.nextCursor}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(older.body).toMatchObject({
      items: [{ role: 'user', content: 'A todo app' }],
      nextCursor: null,
    });
  });
});
