import { type INestApplication } from '@nestjs/common';
import { type AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { TEST_APPS_DATABASE_KEY } from '../../../../test/support/test-secrets';
import { createApiApp } from '../api-app';
import { loadApiConfig } from '../config/api-config';

/** The UI's origin when PUBLIC_URL is left at its default, sent as a browser on it would. */
export const TEST_UI_ORIGIN = 'http://localhost:3000';

export interface ApiTestApp {
  url: string;
  app: INestApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real API on its own fresh database, listening on a free port. `env` overrides the test
 * defaults (a generous sign-in limit, so only the rate-limit test meets it).
 */
export async function startApiTestApp(env: Record<string, string> = {}): Promise<ApiTestApp> {
  const db = await createTestDatabase();
  const config = loadApiConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    AUTH_SECRET: 'test-secret-that-is-long-enough-0123456789',
    APPS_DATABASE_KEY: TEST_APPS_DATABASE_KEY,
    AUTH_SIGNIN_RATE_LIMIT_MAX: '1000',
    API_PORT: '0',
    // No sandbox here: sign-up is not closed by an unisolated process provider unless asked.
    SANDBOX_PROVIDER: 'none',
    ...env,
  });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** The Cookie header that carries the session. */
  cookie: string;
}

let userCounter = 0;

/** Signs a new user up through the real better-auth route and returns its session cookie. */
export async function signUp(
  baseUrl: string,
  overrides: Partial<{ email: string; password: string; name: string }> = {},
): Promise<TestUser> {
  userCounter += 1;
  const email = overrides.email ?? `user${userCounter}-${Date.now()}@example.com`;
  const password = overrides.password ?? 'correct horse battery';
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_UI_ORIGIN },
    body: JSON.stringify({ email, password, name: overrides.name ?? 'Test User' }),
  });
  if (response.status !== 200) {
    throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  }
  const body = (await response.json()) as { user: { id: string } };
  return { id: body.user.id, email, password, cookie: sessionCookie(response) };
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
export function sessionCookie(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

export interface CallResult {
  status: number;
  // Tests read into bodies of many shapes; asserting on them is the type check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * fetch with JSON in and out, optionally as a signed-in user. Like a browser on the UI, it sends
 * `Origin: TEST_UI_ORIGIN` with every method but GET and HEAD, unless `origin` says otherwise
 * (null: none).
 */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; origin?: string | null } = {},
): Promise<CallResult> {
  const origin =
    options.origin === undefined
      ? method === 'GET' || method === 'HEAD'
        ? null
        : TEST_UI_ORIGIN
      : options.origin;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(origin !== null ? { origin } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body };
}

/** Makes a project of `user`'s through the API, as the UI does, and returns its id. */
export async function createProjectAs(
  baseUrl: string,
  user: TestUser,
  name = 'Test app',
): Promise<string> {
  const created = await call(baseUrl, 'POST', '/api/projects', {
    cookie: user.cookie,
    body: { name },
  });
  if (created.status !== 201) {
    throw new Error(
      `creating a project answered ${created.status}: ${JSON.stringify(created.body)}`,
    );
  }
  return created.body.id;
}

/** A file of a version, as the versions table keeps them. */
export interface TestVersionFile {
  path: string;
  content: string;
}

/** Adds version `number` holding `files` to a project, as a finished phase leaves it. */
export async function insertVersion(
  db: Pick<TestDatabase, 'query'>,
  projectId: string,
  number: number,
  files: TestVersionFile[] = [{ path: 'src/App.tsx', content: 'export default () => 1;\n' }],
): Promise<void> {
  await db.query(
    `INSERT INTO versions (project_id, number, reason, label, files)
     VALUES ($1, $2, 'phase', $3, $4)`,
    [projectId, number, `v${number}`, JSON.stringify(files)],
  );
}

/**
 * An API test app for the spec file (or describe block) it is called in: started in a beforeAll,
 * closed in an afterAll. The object it returns stands for it from then on.
 */
export function useApiTestApp(env: Record<string, string> = {}): ApiTestApp {
  let api: ApiTestApp | undefined;
  beforeAll(async () => {
    api = await startApiTestApp(env);
  });
  afterAll(() => api?.close());
  const current = (): ApiTestApp => {
    if (!api) {
      throw new Error('the API test app did not start (see beforeAll)');
    }
    return api;
  };
  return {
    get url() {
      return current().url;
    },
    get app() {
      return current().app;
    },
    get db() {
      return current().db;
    },
    close: () => current().close(),
  };
}
