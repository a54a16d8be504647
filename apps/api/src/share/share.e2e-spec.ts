import { getDataSourceToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import { type DataSource } from 'typeorm';
import { Version, type VersionFile } from '@forge/db';
import {
  call,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

describe('share links and remix (e2e)', () => {
  let api: ApiTestApp;
  let dataSource: DataSource;
  let owner: TestUser;
  let other: TestUser;
  let projectId: string;

  const v1: VersionFile[] = [{ path: 'src/App.tsx', content: 'export default () => 1;\n' }];
  const v2: VersionFile[] = [
    { path: 'src/App.tsx', content: 'export default () => 2;\n' },
    { path: 'src/extra.ts', content: 'export const extra = true;\n' },
  ];

  async function createProject(user: TestUser, name: string): Promise<string> {
    const result = await call(api.url, 'POST', '/api/projects', {
      cookie: user.cookie,
      body: { name },
    });
    return result.body.id;
  }

  async function addVersion(id: string, number: number, files: VersionFile[]): Promise<void> {
    const versions = dataSource.getRepository(Version);
    await versions.save(
      versions.create({ projectId: id, number, reason: 'phase', label: `v${number}`, files }),
    );
  }

  async function share(id: string, user = owner): Promise<string> {
    const result = await call(api.url, 'POST', `/api/projects/${id}/share-links`, {
      cookie: user.cookie,
    });
    expect(result.status).toBe(201);
    return result.body.token;
  }

  async function projectCount(user: TestUser): Promise<number> {
    const [{ count }]: { count: number }[] = await dataSource.query(
      `SELECT count(*)::int AS count FROM projects WHERE owner_id = $1`,
      [user.id],
    );
    return count;
  }

  beforeAll(async () => {
    api = await startApiTestApp();
    dataSource = api.app.get<DataSource>(getDataSourceToken());
    owner = await signUp(api.url);
    other = await signUp(api.url);
    projectId = await createProject(owner, 'Shared app');
    await addVersion(projectId, 1, v1);
    await addVersion(projectId, 2, v2);
  });

  afterAll(() => api.close());

  it('shows the code and the versions read-only to anyone holding the link, signed in or not', async () => {
    const token = await share(projectId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const cookie of [undefined, other.cookie, owner.cookie]) {
      const view = await call(api.url, 'GET', `/api/shared/${token}`, { cookie });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ name: 'Shared app', version: 2, files: v2, app: null });
      expect(view.body.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    }
    const older = await call(api.url, 'GET', `/api/shared/${token}/versions/1`);
    expect(older.body).toMatchObject({ version: 1, files: v1 });
    expect((await call(api.url, 'GET', `/api/shared/${token}/versions/9`)).status).toBe(404);
    // Read-only: the link opens none of the owner's routes.
    expect(
      (await call(api.url, 'GET', `/api/projects/${projectId}`, { cookie: other.cookie })).status,
    ).toBe(404);
  });

  it("keeps another user's project a 404 on every share and publish route", async () => {
    const token = await share(projectId);
    const routes: [string, string][] = [
      ['GET', `/api/projects/${projectId}/share-links`],
      ['POST', `/api/projects/${projectId}/share-links`],
      ['DELETE', `/api/projects/${projectId}/share-links/${token}`],
      ['GET', `/api/projects/${projectId}/publication`],
      ['DELETE', `/api/projects/${projectId}/publication`],
    ];
    for (const [method, path] of routes) {
      const result = await call(api.url, method, path, { cookie: other.cookie });
      expect({ method, path, status: result.status }).toEqual({ method, path, status: 404 });
    }
    const publish = await call(api.url, 'PUT', `/api/projects/${projectId}/publication`, {
      cookie: other.cookie,
      body: { slug: 'not-yours', visibility: 'public' },
    });
    expect(publish.status).toBe(404);
    // The link still works: the stranger's revoke did nothing.
    expect((await call(api.url, 'GET', `/api/shared/${token}`)).status).toBe(200);
    // Signed out: a session is needed for every owner route.
    expect((await call(api.url, 'GET', `/api/projects/${projectId}/share-links`)).status).toBe(401);
  });

  it('remixes into an independent project of the signed-in user, up to the version asked for', async () => {
    const token = await share(projectId);
    expect((await call(api.url, 'POST', `/api/shared/${token}/remix`, { body: {} })).status).toBe(
      401,
    );

    const remix = await call(api.url, 'POST', `/api/shared/${token}/remix`, {
      cookie: other.cookie,
      body: { version: 1 },
    });
    expect(remix.status).toBe(201);
    expect(remix.body.name).toBe('Shared app (remix)');
    const copyId: string = remix.body.id;
    expect(copyId).not.toBe(projectId);

    const versions = await call(api.url, 'GET', `/api/projects/${copyId}/versions`, {
      cookie: other.cookie,
    });
    expect(versions.body.versions.map((v: { number: number }) => v.number)).toEqual([1]);
    const files = await call(api.url, 'GET', `/api/projects/${copyId}/files`, {
      cookie: other.cookie,
    });
    expect(files.status).toBe(200);
    expect(JSON.stringify(files.body)).toContain('src/App.tsx');
    // The owner cannot open the copy, and the copy outlives the original.
    expect(
      (await call(api.url, 'GET', `/api/projects/${copyId}`, { cookie: owner.cookie })).status,
    ).toBe(404);
    const latest = await call(api.url, 'POST', `/api/shared/${token}/remix`, {
      cookie: other.cookie,
      body: {},
    });
    const secondCopy: string = latest.body.id;
    const original = await createProject(owner, 'Goes away');
    await addVersion(original, 1, v1);
    const goneToken = await share(original);
    const kept = await call(api.url, 'POST', `/api/shared/${goneToken}/remix`, {
      cookie: other.cookie,
      body: {},
    });
    await call(api.url, 'DELETE', `/api/projects/${original}`, { cookie: owner.cookie });
    expect(
      (await call(api.url, 'GET', `/api/projects/${kept.body.id}`, { cookie: other.cookie }))
        .status,
    ).toBe(200);
    expect((await call(api.url, 'GET', `/api/shared/${goneToken}`)).status).toBe(404);
    const copied = await call(api.url, 'GET', `/api/projects/${secondCopy}/versions`, {
      cookie: other.cookie,
    });
    expect(copied.body.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
  });

  it('copies binary files as binary and keeps the starter files the original deleted out', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
    const id = await createProject(owner, 'With an image');
    await addVersion(id, 1, [
      { path: 'src/App.tsx', content: 'export default () => null;\n' },
      { path: 'public/logo.png', content: png, encoding: 'base64' },
    ]);
    await dataSource.query(
      `UPDATE agent_states SET deleted_paths = '["src/index.css", "src/App.tsx"]' WHERE project_id = $1`,
      [id],
    );
    const remix = await call(api.url, 'POST', `/api/shared/${await share(id)}/remix`, {
      cookie: other.cookie,
      body: {},
    });
    expect(remix.status).toBe(201);
    const files: { path: string; content: string; encoding: string }[] = await dataSource.query(
      `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path`,
      [remix.body.id],
    );
    expect(files).toEqual([
      { path: 'public/logo.png', content: png, encoding: 'base64' },
      { path: 'src/App.tsx', content: 'export default () => null;\n', encoding: 'utf8' },
    ]);
    // src/App.tsx is in the version again: only src/index.css stays deleted.
    const [state]: { deleted_paths: string[] }[] = await dataSource.query(
      `SELECT deleted_paths FROM agent_states WHERE project_id = $1`,
      [remix.body.id],
    );
    expect(state!.deleted_paths).toEqual(['src/index.css']);
  });

  it('closes the link on revoke: the page and remix answer 404', async () => {
    const token = await share(projectId);
    const revoke = await call(
      api.url,
      'DELETE',
      `/api/projects/${projectId}/share-links/${token}`,
      {
        cookie: owner.cookie,
      },
    );
    expect(revoke.status).toBe(204);
    expect((await call(api.url, 'GET', `/api/shared/${token}`)).status).toBe(404);
    const before = await projectCount(other);
    const remix = await call(api.url, 'POST', `/api/shared/${token}/remix`, {
      cookie: other.cookie,
      body: {},
    });
    expect(remix.status).toBe(404);
    expect(await projectCount(other)).toBe(before);
    expect(
      (
        await call(api.url, 'DELETE', `/api/projects/${projectId}/share-links/${token}`, {
          cookie: owner.cookie,
        })
      ).status,
    ).toBe(404);
  });

  it('limits the links of one project (SHARE_LINKS_MAX)', async () => {
    const id = await createProject(owner, 'Many links');
    const results = await Promise.all(
      Array.from({ length: 14 }, () =>
        call(api.url, 'POST', `/api/projects/${id}/share-links`, { cookie: owner.cookie }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.find((r) => r.status === 409);
    expect(refused?.body.code).toBe('SHARE_LINKS_LIMIT');
    expect(refused?.body.message).toContain('SHARE_LINKS_MAX');
  });

  it('races remixes against a revoke: each remix is whole or refused, none starts after the revoke', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        async (remixes, revokeAt) => {
          const token = await share(projectId);
          const before = await projectCount(other);
          const remix = () =>
            call(api.url, 'POST', `/api/shared/${token}/remix`, {
              cookie: other.cookie,
              body: {},
            });
          const started: Promise<{ status: number; body: { id?: string } }>[] = [];
          let revoked!: Promise<{ status: number }>;
          for (let i = 0; i <= remixes; i++) {
            if (i === revokeAt || (i === remixes && revokeAt >= remixes)) {
              revoked = call(api.url, 'DELETE', `/api/projects/${projectId}/share-links/${token}`, {
                cookie: owner.cookie,
              });
            }
            if (i < remixes) {
              started.push(remix());
            }
          }
          const results = await Promise.all(started);
          expect((await revoked).status).toBe(204);
          for (const result of results) {
            expect([201, 404]).toContain(result.status);
          }
          const made = results.filter((result) => result.status === 201);
          expect(await projectCount(other)).toBe(before + made.length);
          for (const result of made) {
            const [{ count }]: { count: number }[] = await dataSource.query(
              `SELECT count(*)::int AS count FROM versions WHERE project_id = $1`,
              [result.body.id],
            );
            expect(count).toBe(2);
          }
          // After the revoke has answered, the link is closed for good.
          expect((await remix()).status).toBe(404);
          expect((await call(api.url, 'GET', `/api/shared/${token}`)).status).toBe(404);
        },
      ),
      { numRuns: 15 },
    );
  });
});
