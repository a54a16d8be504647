import { getDataSourceToken } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { Version, type VersionFile, type VersionReason } from '@forge/db';
import { type VersionDiff } from '@forge/protocol';
import {
  call,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

describe('project versions (e2e)', () => {
  let api: ApiTestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let projectId: string;
  let emptyProjectId: string;

  const createProject = async (user: TestUser, name: string): Promise<string> =>
    (await call(api.url, 'POST', '/api/projects', { cookie: user.cookie, body: { name } })).body.id;

  beforeAll(async () => {
    api = await startApiTestApp();
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    projectId = await createProject(owner, 'Versions');
    emptyProjectId = await createProject(owner, 'No versions yet');
    const versions = api.app.get<DataSource>(getDataSourceToken()).getRepository(Version);
    const rows: [number, VersionReason, string, VersionFile[]][] = [
      [
        1,
        'phase',
        'Phase 1: Layout',
        [
          { path: 'src/App.tsx', content: 'export default function App() {\n  return null;\n}\n' },
          { path: 'src/old.ts', content: 'export const old = 1;\n' },
        ],
      ],
      [
        2,
        'edit',
        'Edited src/App.tsx',
        [
          { path: 'src/old.ts', content: 'export const old = 1;\n' },
          {
            path: 'src/App.tsx',
            content: 'export default function App() {\n  return <h1>Hi</h1>;\n}\n',
          },
        ],
      ],
      // Numbers need not be contiguous: 4 is compared with 2.
      [
        4,
        'fix',
        'Fix: missing Counter',
        [
          {
            path: 'src/App.tsx',
            content: 'export default function App() {\n  return <h1>Hi</h1>;\n}\n',
          },
          { path: 'src/components/Counter.tsx', content: 'export const Counter = () => 0;\n' },
        ],
      ],
    ];
    for (const [number, reason, label, files] of rows) {
      await versions.save(versions.create({ projectId, number, reason, label, files }));
    }
  });

  afterAll(() => api.close());

  const get = (path: string, user: TestUser | null = owner) =>
    call(api.url, 'GET', path, user ? { cookie: user.cookie } : {});

  it('lists the versions newest first, with their file counts', async () => {
    const result = await get(`/api/projects/${projectId}/versions`);
    expect(result.status).toBe(200);
    expect(result.body.versions).toEqual([
      {
        number: 4,
        reason: 'fix',
        label: 'Fix: missing Counter',
        createdAt: expect.any(String),
        fileCount: 2,
      },
      {
        number: 2,
        reason: 'edit',
        label: 'Edited src/App.tsx',
        createdAt: expect.any(String),
        fileCount: 2,
      },
      {
        number: 1,
        reason: 'phase',
        label: 'Phase 1: Layout',
        createdAt: expect.any(String),
        fileCount: 2,
      },
    ]);
    const createdAt = result.body.versions[0].createdAt as string;
    expect(new Date(createdAt).toISOString()).toBe(createdAt);
  });

  it('lists no versions for a project that has none', async () => {
    const result = await get(`/api/projects/${emptyProjectId}/versions`);
    expect(result).toMatchObject({ status: 200, body: { versions: [] } });
  });

  it('diffs the first version against nothing: every file is added', async () => {
    const result = await get(`/api/projects/${projectId}/versions/1/diff`);
    expect(result.status).toBe(200);
    const diff = result.body as VersionDiff;
    expect(diff).toMatchObject({ number: 1, against: null });
    expect(diff.files.map((file) => [file.path, file.status])).toEqual([
      ['src/App.tsx', 'added'],
      ['src/old.ts', 'added'],
    ]);
    expect(diff.files[1]?.diff).toBe(
      '--- /dev/null\n+++ b/src/old.ts\n@@ -0,0 +1,1 @@\n+export const old = 1;\n',
    );
  });

  it('diffs a version against the one before it, leaving unchanged files out', async () => {
    const second = await get(`/api/projects/${projectId}/versions/2/diff`);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      number: 2,
      against: 1,
      files: [
        {
          path: 'src/App.tsx',
          status: 'changed',
          diff: [
            '--- a/src/App.tsx',
            '+++ b/src/App.tsx',
            '@@ -1,3 +1,3 @@',
            ' export default function App() {',
            '-  return null;',
            '+  return <h1>Hi</h1>;',
            ' }',
            '',
          ].join('\n'),
        },
      ],
    });

    const fourth = await get(`/api/projects/${projectId}/versions/4/diff`);
    expect(fourth.status).toBe(200);
    expect(fourth.body.against).toBe(2);
    expect(
      (fourth.body as VersionDiff).files.map((file) => [file.path, file.status, file.diff]),
    ).toEqual([
      [
        'src/components/Counter.tsx',
        'added',
        '--- /dev/null\n+++ b/src/components/Counter.tsx\n@@ -0,0 +1,1 @@\n+export const Counter = () => 0;\n',
      ],
      [
        'src/old.ts',
        'removed',
        '--- a/src/old.ts\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-export const old = 1;\n',
      ],
    ]);
  });

  it.each(['3', '5', '2147483647'])(
    'answers 404 for version %s, which does not exist',
    async (n) => {
      const result = await get(`/api/projects/${projectId}/versions/${n}/diff`);
      expect(result).toMatchObject({
        status: 404,
        body: { code: 'VERSION_NOT_FOUND', message: `This project has no version ${n}.` },
      });
    },
  );

  it.each(['abc', '0', '-1', '1.5', '1e2', '01', '2147483648', '99999999999'])(
    'answers 400 naming the parameter for version number %s',
    async (n) => {
      const result = await get(`/api/projects/${projectId}/versions/${n}/diff`);
      expect(result).toMatchObject({
        status: 400,
        body: { code: 'INVALID_VERSION_NUMBER', details: { parameter: 'number' } },
      });
      expect(result.body.message).toContain('(parameter "number")');
    },
  );

  it.each([
    ['another user’s project', () => stranger, () => projectId],
    ['an unknown project', () => owner, () => '00000000-0000-4000-8000-000000000000'],
    ['a project id that is not a UUID', () => owner, () => 'nope'],
  ])('answers 404 for %s, as the other project routes do', async (_label, user, id) => {
    for (const path of [
      `/api/projects/${id()}/versions`,
      `/api/projects/${id()}/versions/1/diff`,
    ]) {
      const result = await get(path, user());
      expect(result).toMatchObject({ status: 404, body: { code: 'PROJECT_NOT_FOUND' } });
    }
  });

  it('answers 401 without a session', async () => {
    for (const path of [
      `/api/projects/${projectId}/versions`,
      `/api/projects/${projectId}/versions/1/diff`,
    ]) {
      expect(await get(path, null)).toMatchObject({
        status: 401,
        body: { code: 'UNAUTHENTICATED' },
      });
    }
  });
});
