import { getDataSourceToken } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { Version, type VersionFile } from '@forge/db';
import { type HostAnswer } from '../../../../test/support/host-request';
import { type TestDatabase } from '../../../../test/support/test-database';
import { eventually } from '../live/testing/live-stack';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { SandboxSessions } from '../../../agent-runner/src/sandbox/sandbox-sessions';
import { fetchPublished, type PublishStack, startPublishStack } from './testing/publish-stack';

// The first run prepares the app template (bun install); later runs reuse the cache.
jest.setTimeout(600_000);

function app(label: string): VersionFile[] {
  return [
    {
      path: 'src/App.tsx',
      content: `export default function App() {\n  return <h1 className="text-4xl font-bold">${label}</h1>;\n}\n`,
    },
  ];
}

/** A version with a server part: routes that show what reached them. */
function fullStack(label: string, extra = ''): VersionFile[] {
  return [
    ...app(label),
    {
      path: 'server/app.ts',
      content: `import { Hono } from 'hono';
${extra}
export const app = new Hono().basePath('/api');

app.get('/label', (c) => c.json({ label: ${JSON.stringify(label)} }));
app.post('/echo', async (c) =>
  c.json({ body: await c.req.json(), cookie: c.req.header('cookie') ?? null }),
);
`,
    },
  ];
}

describe('publishing (e2e, real runner and process sandbox)', () => {
  let stack: PublishStack;
  let runner: PublishStack['runner'];
  let api: PublishStack['api'];
  let publishPort: number;
  let owner: TestUser;
  let other: TestUser;
  let projectId: string;

  async function addVersion(id: string, number: number, files: VersionFile[]): Promise<void> {
    const versions = api.app.get<DataSource>(getDataSourceToken()).getRepository(Version);
    await versions.save(
      versions.create({ projectId: id, number, reason: 'phase', label: `v${number}`, files }),
    );
  }

  const publish = (body: object, user = owner, id = projectId) =>
    call(api.url, 'PUT', `/api/projects/${id}/publication`, { cookie: user.cookie, body });

  /** The page and its script, as a visitor gets them at `slug`. */
  async function served(
    slug: string,
    cookie?: string,
  ): Promise<{ page: HostAnswer; script: string }> {
    const host = stack.host(slug);
    const page = await fetchPublished(publishPort, host, '/', cookie);
    const src = /<script type="module" crossorigin src="([^"]+)"/.exec(page.body)?.[1];
    if (page.status !== 200 || !src) {
      return { page, script: '' };
    }
    const script = await fetchPublished(publishPort, host, src, cookie);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toMatch(/max-age=31536000, immutable$/);
    return { page, script: script.body };
  }

  beforeAll(async () => {
    stack = await startPublishStack('forge-publish-');
    ({ runner, api, publishPort } = stack);
    owner = await signUp(api.url);
    other = await signUp(api.url);
    projectId = (
      await call(api.url, 'POST', '/api/projects', { cookie: owner.cookie, body: { name: 'Pub' } })
    ).body.id;
    await addVersion(projectId, 1, app('Version one'));
    await addVersion(projectId, 2, app('Version two'));
  });

  afterAll(() => stack?.close());

  it('builds the latest version and serves it at its slug, then an older one', async () => {
    const first = await publish({ slug: 'pub-app', visibility: 'public' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      slug: 'pub-app',
      visibility: 'public',
      version: 2,
      url: `http://pub-app.apps.localhost:${publishPort}/`,
      openUrl: `http://pub-app.apps.localhost:${publishPort}/`,
    });
    let site = await served('pub-app');
    expect(site.page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(site.script).toContain('Version two');
    // Tailwind ran over the version's files, not the workspace's.
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(site.page.body)?.[1];
    const style = await fetchPublished(publishPort, `pub-app.apps.localhost`, css!);
    expect(style.body).toContain('text-4xl');

    const older = await publish({ slug: 'pub-app', visibility: 'public', version: 1 });
    expect(older.body.version).toBe(1);
    site = await served('pub-app');
    expect(site.script).toContain('Version one');
    expect(site.script).not.toContain('Version two');
    // Only the live build's files are kept.
    const [{ builds }]: { builds: number }[] = await api.app
      .get<DataSource>(getDataSourceToken())
      .query(
        `SELECT count(DISTINCT build_id)::int AS builds FROM publication_files WHERE project_id = $1`,
        [projectId],
      );
    expect(builds).toBe(1);
    const live = await call(api.url, 'GET', `/api/projects/${projectId}/publication`, {
      cookie: owner.cookie,
    });
    expect(live.body.publication).toMatchObject({ version: 1, slug: 'pub-app' });
  });

  it('refuses bad, reserved and taken names, a missing version and another user', async () => {
    expect((await publish({ slug: 'Bad Name', visibility: 'public' })).body.code).toBe(
      'INVALID_SLUG',
    );
    expect((await publish({ slug: 'admin', visibility: 'public' })).body.code).toBe(
      'SLUG_RESERVED',
    );
    expect((await publish({ slug: 'pub-app', visibility: 'nobody' })).status).toBe(400);
    const missing = await publish({ slug: 'pub-app', visibility: 'public', version: 99 });
    expect(missing).toMatchObject({ status: 404, body: { code: 'VERSION_NOT_FOUND' } });
    const theirs = (
      await call(api.url, 'POST', '/api/projects', {
        cookie: other.cookie,
        body: { name: 'Theirs' },
      })
    ).body.id;
    await addVersion(theirs, 1, app('Theirs'));
    const taken = await publish({ slug: 'pub-app', visibility: 'public' }, other, theirs);
    expect(taken).toMatchObject({ status: 409, body: { code: 'SLUG_TAKEN' } });
    expect((await publish({ slug: 'their-app', visibility: 'public' }, other)).status).toBe(404);
    expect((await served('pub-app')).script).toContain('Version one');
  });

  it('keeps the live build when a version does not build, with the build error', async () => {
    await addVersion(projectId, 3, [
      { path: 'src/App.tsx', content: 'export default function App( {\n' },
    ]);
    const broken = await publish({ slug: 'pub-app', visibility: 'public', version: 3 });
    expect(broken.status).toBe(422);
    expect(broken.body.code).toBe('PUBLISH_BUILD_FAILED');
    expect(broken.body.message).toContain('src/App.tsx');
    expect((await served('pub-app')).script).toContain('Version one');
  });

  it('opens unlisted and private apps only with their link, and unpublishes', async () => {
    const unlisted = await publish({ slug: 'pub-app', visibility: 'unlisted', version: 1 });
    expect(unlisted.body.openUrl).toMatch(/\?forge_access=[A-Za-z0-9_-]{32}$/);
    const host = stack.host('pub-app');
    expect((await served('pub-app')).page.status).toBe(404);
    const open = new URL(unlisted.body.openUrl);
    const redirect = await fetchPublished(publishPort, host, `${open.pathname}${open.search}`);
    expect(redirect.status).toBe(303);
    const cookie = String(redirect.headers['set-cookie']).split(';')[0]!;
    expect((await served('pub-app', cookie)).script).toContain('Version one');

    const made = await publish({ slug: 'pub-app', visibility: 'private', version: 1 });
    // The unlisted secret no longer opens it; the owner's signed link does.
    expect((await served('pub-app', cookie)).page.status).toBe(404);
    const ownerLink = new URL(made.body.openUrl);
    const ownerRedirect = await fetchPublished(
      publishPort,
      host,
      `${ownerLink.pathname}${ownerLink.search}`,
    );
    const ownerCookie = String(ownerRedirect.headers['set-cookie']).split(';')[0]!;
    expect((await served('pub-app', ownerCookie)).page.status).toBe(200);

    const gone = await call(api.url, 'DELETE', `/api/projects/${projectId}/publication`, {
      cookie: owner.cookie,
    });
    expect(gone.status).toBe(204);
    const after = await fetchPublished(publishPort, host, '/', ownerCookie);
    expect(after.status).toBe(404);
    expect(after.body).toContain('Nothing published here');
    expect(
      (
        await call(api.url, 'DELETE', `/api/projects/${projectId}/publication`, {
          cookie: owner.cookie,
        })
      ).status,
    ).toBe(404);
  });

  it('runs a full-stack app’s server part for its /api, behind the same access rules', async () => {
    const id = (
      await call(api.url, 'POST', '/api/projects', { cookie: owner.cookie, body: { name: 'Api' } })
    ).body.id;
    await addVersion(id, 1, fullStack('server one'));
    const made = await publish({ slug: 'api-app', visibility: 'private' }, owner, id);
    expect(made.status).toBe(200);
    const host = stack.host('api-app');
    // Private: no credential, no server part either.
    expect((await fetchPublished(publishPort, host, '/api/label')).status).toBe(404);
    const link = new URL(made.body.openUrl);
    const redirect = await fetchPublished(publishPort, host, `${link.pathname}${link.search}`);
    const cookie = String(redirect.headers['set-cookie']).split(';')[0]!;
    const label = await fetchPublished(publishPort, host, '/api/label', cookie);
    expect(label.status).toBe(200);
    expect(JSON.parse(label.body)).toEqual({ label: 'server one' });
    // Any method reaches it; Forge's access cookie does not, the app's own cookies do.
    const echo = await fetchPublished(publishPort, host, '/api/echo', `${cookie}; theme=dark`, {
      hello: 'world',
    });
    expect(JSON.parse(echo.body)).toEqual({ body: { hello: 'world' }, cookie: 'theme=dark' });
    // The page is still the stored build; a POST elsewhere is refused.
    expect((await fetchPublished(publishPort, host, '/', cookie)).body).toContain(
      '<div id="root">',
    );
    expect((await fetchPublished(publishPort, host, '/x', cookie, {})).status).toBe(405);

    // Another version replaces its server; a server part that cannot start answers 503 JSON.
    await addVersion(id, 2, fullStack('server two'));
    await publish({ slug: 'api-app', visibility: 'private', version: 2 }, owner, id);
    const second = await fetchPublished(publishPort, host, '/api/label', cookie);
    expect(JSON.parse(second.body)).toEqual({ label: 'server two' });
    await addVersion(id, 3, fullStack('broken', 'throw new Error("cannot start");'));
    await publish({ slug: 'api-app', visibility: 'private', version: 3 }, owner, id);
    const broken = await fetchPublished(publishPort, host, '/api/label', cookie);
    expect(broken.status).toBe(503);
    expect(JSON.parse(broken.body)).toMatchObject({ code: 'APP_SERVER_UNAVAILABLE' });

    // Unpublished: the address and its /api are gone, and so is the server on the runner.
    await publish({ slug: 'api-app', visibility: 'private', version: 2 }, owner, id);
    expect((await fetchPublished(publishPort, host, '/api/label', cookie)).status).toBe(200);
    const servers = runner.app.get(SandboxSessions).appServers!;
    expect(await servers.current(id)).not.toBeNull();
    await call(api.url, 'DELETE', `/api/projects/${id}/publication`, { cookie: owner.cookie });
    expect((await fetchPublished(publishPort, host, '/api/label', cookie)).status).toBe(404);
    await eventually(
      async () => ((await servers.current(id)) === null ? true : undefined),
      'the server part stopped after unpublishing',
    );
  });
});

/** A version whose server part says which start of it answers (to see a restart). */
function startedServer(): VersionFile[] {
  return [
    ...app('Started'),
    {
      path: 'server/app.ts',
      content: `import { Hono } from 'hono';

export const app = new Hono().basePath('/api');

const started = crypto.randomUUID();
app.get('/started', (c) => c.json({ started }));
`,
    },
  ];
}

/**
 * A server part nobody asks for stops after PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS and starts
 * again on the next request, which answers as any other; one asked for keeps running.
 */
describe('published server parts that go idle (e2e, real runner and process sandbox)', () => {
  const IDLE_SECONDS = 5;
  let stack: PublishStack;
  let db: TestDatabase;
  let runner: PublishStack['runner'];
  let api: PublishStack['api'];
  let publishPort: number;

  beforeAll(async () => {
    stack = await startPublishStack('forge-publish-idle-', {
      PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
    });
    ({ db, runner, api, publishPort } = stack);
  });

  afterAll(() => stack?.close());

  it('stops an idle server part, starts it on the next request, and keeps a busy one', async () => {
    const owner = await signUp(api.url);
    const id = (
      await call(api.url, 'POST', '/api/projects', { cookie: owner.cookie, body: { name: 'Idle' } })
    ).body.id;
    const versions = api.app.get<DataSource>(getDataSourceToken()).getRepository(Version);
    await versions.save(
      versions.create({
        projectId: id,
        number: 1,
        reason: 'phase',
        label: 'v1',
        files: startedServer(),
      }),
    );
    const made = await call(api.url, 'PUT', `/api/projects/${id}/publication`, {
      cookie: owner.cookie,
      body: { slug: 'idle-app', visibility: 'public' },
    });
    expect(made.status).toBe(200);
    const host = stack.host('idle-app');
    /** Which start of the server part answers. */
    const start = async (): Promise<string> => {
      const answer = await fetchPublished(publishPort, host, '/api/started');
      expect(answer.status).toBe(200);
      return (JSON.parse(answer.body) as { started: string }).started;
    };
    const servers = runner.app.get(SandboxSessions).appServers!;

    const first = await start();
    expect(await servers.list()).toEqual([id]);
    const [use] = await db.query<{ used: Date | null }>(
      `SELECT server_used_at AS used FROM publications WHERE project_id = $1`,
      [id],
    );
    expect(use?.used).toBeInstanceOf(Date);

    // Nobody asks: it stops, and the next request starts it again (another process).
    await eventually(
      async () => ((await servers.list()).length === 0 ? true : undefined),
      'the idle server part to stop',
    );
    const second = await start();
    expect(second).not.toBe(first);

    // Asked for every 250 ms for twice the timeout: the same start answers throughout.
    const until = Date.now() + 2 * IDLE_SECONDS * 1000;
    while (Date.now() < until) {
      expect(await start()).toBe(second);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await servers.list()).toEqual([id]);
  });
});
