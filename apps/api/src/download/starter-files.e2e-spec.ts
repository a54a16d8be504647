import { call, signUp, type TestUser, useApiTestApp } from '../testing/api-test-app';
import { readStarterTemplate } from './starter-template';

interface StarterFile {
  path: string;
  size: number;
  content: string | null;
}

describe('starter files for the code view (e2e)', () => {
  const api = useApiTestApp();
  let owner: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
  });

  it('lists the template files the project did not write, package.json as the zip has it', async () => {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: owner.cookie,
      body: { name: 'Recipe box' },
    });
    const id: string = created.body.id;
    await api.db.query(
      `INSERT INTO generated_files (project_id, path, content) VALUES ($1, 'src/App.tsx', 'x')`,
      [id],
    );
    await api.db.query(`UPDATE agent_states SET phases = $2::jsonb WHERE project_id = $1`, [
      id,
      JSON.stringify([{ number: 1, request: 1, dependencies: ['zustand@5.0.8'] }]),
    ]);

    const answer = await call(api.url, 'GET', `/api/projects/${id}/starter-files`, {
      cookie: owner.cookie,
    });
    expect(answer.status).toBe(200);
    const files: StarterFile[] = answer.body.files;
    const template = (await readStarterTemplate()).map((file) => file.path);
    // Every template file but the one the project wrote, in order.
    expect(files.map((file) => file.path)).toEqual(
      template.filter((path) => path !== 'src/App.tsx'),
    );
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['index.html', 'package.json', 'vite.config.ts']),
    );
    const manifest = files.find((file) => file.path === 'package.json')!;
    const parsed = JSON.parse(manifest.content!) as { name: string; dependencies: object };
    expect(parsed.name).toBe('recipe-box');
    expect(parsed.dependencies).toHaveProperty('zustand', '5.0.8');
    expect(manifest.size).toBe(Buffer.byteLength(manifest.content!));
    const html = files.find((file) => file.path === 'index.html')!;
    expect(html.content).toContain('<div id="root">');
  });

  it('answers 404 to another user and 401 to no one', async () => {
    const created = await call(api.url, 'POST', '/api/projects', {
      cookie: owner.cookie,
      body: { name: 'Mine' },
    });
    const path = `/api/projects/${created.body.id}/starter-files`;
    expect((await call(api.url, 'GET', path, { cookie: stranger.cookie })).status).toBe(404);
    expect((await call(api.url, 'GET', path)).status).toBe(401);
  });
});
