import {
  call,
  signUp,
  startApiTestApp,
  TEST_UI_ORIGIN,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';

describe('projects (e2e)', () => {
  let api: ApiTestApp;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    api = await startApiTestApp();
    alice = await signUp(api.url);
    bob = await signUp(api.url);
  });
  afterAll(() => api.close());

  const create = (user: TestUser, body: unknown) =>
    call(api.url, 'POST', '/api/projects', { cookie: user.cookie, body });

  it('creates, gets, renames and deletes a project', async () => {
    const created = await create(alice, {
      name: '  Todo app  ',
      description: 'A todo app with due dates',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Todo app',
      description: 'A todo app with due dates',
      state: 'IDLE',
    });
    const id: string = created.body.id;

    expect(
      (await call(api.url, 'GET', `/api/projects/${id}`, { cookie: alice.cookie })).body.name,
    ).toBe('Todo app');

    const renamed = await call(api.url, 'PATCH', `/api/projects/${id}`, {
      cookie: alice.cookie,
      body: { name: 'Todos' },
    });
    expect(renamed).toMatchObject({ status: 200, body: { id, name: 'Todos' } });

    expect(
      (await call(api.url, 'DELETE', `/api/projects/${id}`, { cookie: alice.cookie })).status,
    ).toBe(204);
    expect(
      (await call(api.url, 'GET', `/api/projects/${id}`, { cookie: alice.cookie })).status,
    ).toBe(404);
  });

  it('reads an idle project as stopped or failed as its state row says, with its LLM usage', async () => {
    const { body } = await create(alice, { name: 'States' });
    const id: string = body.id;
    const state = async () =>
      (await call(api.url, 'GET', `/api/projects/${id}`, { cookie: alice.cookie })).body;
    expect(await state()).toMatchObject({
      state: 'IDLE',
      usage: { promptTokens: 0, completionTokens: 0, costUsd: null, calls: 0 },
    });
    const phase = (number: number, status: string) => ({ number, request: 1, status });
    await api.db.query(`UPDATE agent_states SET phases = $2::jsonb WHERE project_id = $1`, [
      id,
      JSON.stringify([phase(1, 'done'), phase(2, 'implementing')]),
    ]);
    expect((await state()).state).toBe('STOPPED');
    await api.db.query(`UPDATE agent_states SET phases = $2::jsonb WHERE project_id = $1`, [
      id,
      JSON.stringify([phase(2, 'done'), phase(1, 'done')]),
    ]);
    expect((await state()).state).toBe('IDLE');
    await api.db.query(`UPDATE agent_states SET current_phase = 3 WHERE project_id = $1`, [id]);
    expect((await state()).state).toBe('STOPPED');
    await api.db.query(`UPDATE agent_states SET current_phase = 2 WHERE project_id = $1`, [id]);
    expect((await state()).state).toBe('IDLE');
    await api.db.query(`UPDATE agent_states SET error = $2::jsonb WHERE project_id = $1`, [
      id,
      JSON.stringify({ code: 'INSTALL_FAILED', message: 'x' }),
    ]);
    expect((await state()).state).toBe('FAILED');
    await api.db.query(
      `UPDATE agent_states SET error = 'null'::jsonb, state = 'COMPLETE' WHERE project_id = $1`,
      [id],
    );
    expect((await state()).state).toBe('COMPLETE');
    for (const [tokens, cost] of [
      [100, 0.25],
      [50, null],
    ] as const) {
      await api.db.query(
        `INSERT INTO llm_usage (project_id, role, model, prompt_tokens, completion_tokens, cost_usd)
         VALUES ($1, 'code', 'm', $2, $3, $4)`,
        [id, tokens, tokens * 2, cost],
      );
    }
    const listed = await call(api.url, 'GET', '/api/projects', { cookie: alice.cookie });
    expect(listed.body.items.find((item: { id: string }) => item.id === id).usage).toEqual({
      promptTokens: 150,
      completionTokens: 300,
      costUsd: 0.25,
      calls: 2,
    });
  });

  it('deletes the files, messages, state and versions with the project', async () => {
    const { body } = await create(alice, { name: 'Doomed' });
    const id: string = body.id;
    await api.db.query(
      `INSERT INTO generated_files (project_id, path, content) VALUES ($1, 'src/a.ts', 'x')`,
      [id],
    );
    await api.db.query(
      `INSERT INTO conversation_messages (project_id, role, content) VALUES ($1, 'user', 'hi')`,
      [id],
    );
    await api.db.query(
      `INSERT INTO versions (project_id, number, reason, label, files) VALUES ($1, 1, 'phase', 'v1', '[]')`,
      [id],
    );
    expect(
      (await call(api.url, 'DELETE', `/api/projects/${id}`, { cookie: alice.cookie })).status,
    ).toBe(204);
    for (const table of ['generated_files', 'conversation_messages', 'versions', 'agent_states']) {
      const rows = await api.db.query(`SELECT 1 FROM ${table} WHERE project_id = $1`, [id]);
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
  });

  it('lists only the own projects, newest first, page by page', async () => {
    const carol = await signUp(api.url);
    const names = Array.from({ length: 5 }, (_, i) => `P${i}`);
    for (const name of names) {
      await create(carol, { name });
    }
    await create(bob, { name: 'Bob only' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await call(api.url, 'GET', `/api/projects${query}`, { cookie: carol.cookie });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { name: string }) => item.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());
  });

  it('searches names and sorts by name and by last activity, page by page', async () => {
    const dana = await signUp(api.url);
    const ids: Record<string, string> = {};
    for (const name of ['beta notes', 'Alpha timer', '100% done_list', 'gamma Notes']) {
      ids[name] = (await create(dana, { name })).body.id;
    }
    const all = async (query: string): Promise<string[]> => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/api/projects?limit=1&${query}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await call(api.url, 'GET', path, { cookie: dana.cookie });
        expect(page.status).toBe(200);
        names.push(...page.body.items.map((item: { name: string }) => item.name));
        cursor = page.body.nextCursor;
      } while (cursor);
      return names;
    };
    expect(await all('sort=name')).toEqual([
      '100% done_list',
      'Alpha timer',
      'beta notes',
      'gamma Notes',
    ]);
    expect(await all('sort=name&q=NOTES')).toEqual(['beta notes', 'gamma Notes']);
    // % and _ are letters in a search, not wildcards.
    expect(await all('q=%25')).toEqual(['100% done_list']);
    expect(await all('q=a_t')).toEqual([]);
    // A rename is activity: the renamed project comes first when sorted by recent.
    await call(api.url, 'PATCH', `/api/projects/${ids['beta notes']}`, {
      cookie: dana.cookie,
      body: { name: 'beta notes, renamed' },
    });
    expect((await all('sort=recent'))[0]).toBe('beta notes, renamed');
    // Another user's search finds none of them.
    const other = await call(api.url, 'GET', '/api/projects?q=notes', { cookie: bob.cookie });
    expect(other.body.items).toEqual([]);
  });

  it('refuses an unknown sort, a long search and a cursor of another order', async () => {
    const as = { cookie: alice.cookie };
    const sort = await call(api.url, 'GET', '/api/projects?sort=size', as);
    expect(sort.status).toBe(400);
    expect(sort.body.message).toContain('sort must be one of recent, name, created');
    const long = await call(api.url, 'GET', `/api/projects?q=${'x'.repeat(101)}`, as);
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('q must be at most 100 characters long');
    await create(alice, { name: 'one' });
    await create(alice, { name: 'two' });
    const first = await call(api.url, 'GET', '/api/projects?limit=1&sort=name', as);
    const cursor: string = first.body.nextCursor;
    const mixed = await call(api.url, 'GET', `/api/projects?limit=1&cursor=${cursor}`, as);
    expect(mixed).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
  });

  it('marks a renamed project so a design title no longer replaces its name', async () => {
    const { body } = await create(alice, { name: 'A todo app with due dates' });
    const renamed = async () =>
      (await api.db.query(`SELECT renamed FROM projects WHERE id = $1`, [body.id]))[0].renamed;
    expect(await renamed()).toBe(false);
    await call(api.url, 'PATCH', `/api/projects/${body.id}`, {
      cookie: alice.cookie,
      body: { name: 'Due dates' },
    });
    expect(await renamed()).toBe(true);
  });

  it('serves the preview thumbnail to the owner only', async () => {
    const { body } = await create(alice, { name: 'Pictured' });
    const id: string = body.id;
    const path = `/api/projects/${id}/thumbnail`;
    const none = await call(api.url, 'GET', path, { cookie: alice.cookie });
    expect(none).toMatchObject({ status: 404, body: { code: 'THUMBNAIL_NOT_FOUND' } });
    expect(body.thumbnailAt).toBeNull();

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    await api.db.query(
      `INSERT INTO project_thumbnails (project_id, version_number, media_type, image) VALUES ($1, 3, 'image/png', $2)`,
      [id, png],
    );
    const response = await fetch(`${api.url}${path}`, { headers: { cookie: alice.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png);
    const listed = await call(api.url, 'GET', `/api/projects/${id}`, { cookie: alice.cookie });
    expect(typeof listed.body.thumbnailAt).toBe('string');

    // Another user, and no user at all, learn nothing about it.
    const asBob = await call(api.url, 'GET', path, { cookie: bob.cookie });
    expect(asBob).toMatchObject({ status: 404, body: { code: 'PROJECT_NOT_FOUND' } });
    expect((await call(api.url, 'GET', path)).status).toBe(401);
  });

  it('hides another user’s project behind 404 for every route', async () => {
    const { body } = await create(alice, { name: 'Private' });
    const id: string = body.id;
    const as = { cookie: bob.cookie };
    expect((await call(api.url, 'GET', `/api/projects/${id}`, as)).status).toBe(404);
    expect(
      (await call(api.url, 'PATCH', `/api/projects/${id}`, { ...as, body: { name: 'Mine' } }))
        .status,
    ).toBe(404);
    expect((await call(api.url, 'DELETE', `/api/projects/${id}`, as)).status).toBe(404);
    expect((await call(api.url, 'GET', `/api/projects/${id}/files`, as)).status).toBe(404);
    expect((await call(api.url, 'GET', `/api/projects/${id}/files/src/App.tsx`, as)).status).toBe(
      404,
    );
    expect((await call(api.url, 'GET', `/api/projects/${id}/messages`, as)).status).toBe(404);
    const list = await call(api.url, 'GET', '/api/projects?limit=100', as);
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    // Still there, unrenamed, for its owner.
    expect(
      (await call(api.url, 'GET', `/api/projects/${id}`, { cookie: alice.cookie })).body.name,
    ).toBe('Private');
  });

  it('answers 404 for an id that is not a project id', async () => {
    expect(
      (await call(api.url, 'GET', '/api/projects/not-a-uuid', { cookie: alice.cookie })).status,
    ).toBe(404);
  });

  it.each([
    ['no name', {}, 'name'],
    ['an empty name', { name: '' }, 'name must be 1 to 100 characters long'],
    ['a blank name', { name: '   ' }, 'name must be 1 to 100 characters long'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'name must be 1 to 100 characters long'],
    ['a number as name', { name: 42 }, 'name must be a string'],
    [
      'a description over 20000 characters',
      { name: 'ok', description: 'd'.repeat(20_001) },
      'description must be at most 20000 characters long',
    ],
  ])('refuses %s with 400 naming the field', async (_label, body, message) => {
    const result = await create(alice, body);
    expect(result.status).toBe(400);
    expect(result.body.message).toContain(message);
  });

  it('accepts names of exactly 1 and 100 characters and strips unknown fields', async () => {
    expect((await create(alice, { name: 'x' })).status).toBe(201);
    const result = await create(alice, { name: 'y'.repeat(100), ownerId: bob.id, admin: true });
    expect(result.status).toBe(201);
    expect(result.body).not.toHaveProperty('admin');
    const asBob = await call(api.url, 'GET', `/api/projects/${result.body.id}`, {
      cookie: bob.cookie,
    });
    expect(asBob.status).toBe(404);
  });

  it('refuses a body over the limit with 413', async () => {
    const result = await create(alice, { name: 'big', description: 'x'.repeat(1_100_000) });
    expect(result.status).toBe(413);
    expect(result.body.message).toContain('HTTP_BODY_LIMIT_BYTES');
    const auth = await call(api.url, 'POST', '/api/auth/sign-in/email', {
      body: { email: 'a@example.com', password: 'x'.repeat(1_100_000) },
    });
    expect(auth.status).toBe(413);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await fetch(`${api.url}/api/projects`, {
      method: 'POST',
      headers: {
        cookie: alice.cookie,
        'content-type': 'application/json',
        origin: TEST_UI_ORIGIN,
      },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('MALFORMED_BODY');
  });

  it('refuses a bad cursor and a page over the limit', async () => {
    const bad = await call(api.url, 'GET', '/api/projects?cursor=garbage', {
      cookie: alice.cookie,
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
    const big = await call(api.url, 'GET', '/api/projects?limit=101', { cookie: alice.cookie });
    expect(big).toMatchObject({ status: 400, body: { code: 'PAGE_TOO_LARGE' } });
    expect(big.body.message).toContain('PROJECTS_PAGE_SIZE_MAX');
  });
});
