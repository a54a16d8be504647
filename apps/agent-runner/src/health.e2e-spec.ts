import { type INestApplication } from '@nestjs/common';
import { type AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { TEST_APPS_DATABASE_KEY } from '../../../test/support/test-secrets';
import { loadRunnerConfig } from './config/runner-config';
import { createRunnerApp } from './runner-app';

describe('agent-runner health (e2e)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createRunnerApp(
      loadRunnerConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
        SANDBOX_PROVIDER: 'none',
      }),
    );
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('answers alive and ready', async () => {
    const alive = await fetch(`${url}/api/health`);
    expect([alive.status, await alive.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${url}/api/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', database: 'up' }]);
  });

  it('says not ready, with 503, once the database is gone', async () => {
    await db.drop();
    const ready = await fetch(`${url}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { message: string }).message).toMatch(/database unreachable/);
  });
});
