import { type INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { Client } from 'pg';
import { appDatabaseUrl } from '../../../agent-runner/src/app-database/app-database-admin';
import { AppDatabases } from '../../../agent-runner/src/app-database/app-databases';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { RunnerLinks } from '../live/runner-links';
import {
  eventually,
  startLinkedRunner,
  startLiveApi,
  type StackServer,
} from '../live/testing/live-stack';
import {
  call,
  type CallResult,
  createProjectAs,
  signUp,
  type TestUser,
} from '../testing/api-test-app';
import { leaked, race, raceRuns, type Racer, startDelay } from '../testing/race';

/** `stranger-via-own`: the owner's table asked for through the stranger's own project. */
type Reader = 'owner' | 'stranger' | 'stranger-via-own';
type Read = 'describe' | 'rows';

/** Rows of the owner's table, each with a value nobody else may see. */
const ROWS = 7;

interface OwnersDatabase {
  projectId: string;
  database: string;
  role: string;
  password: string;
  /** Values of the owner's rows and names of its table and database. */
  secrets: string[];
}

/**
 * The database panel reads an app's own database for its owner only: another user's reads
 * racing the owner's reads and the project's deletion answer 404 with nothing of the data,
 * the owner's reads racing the deletion answer with the data or a 404 (never a 5xx), and the
 * deleted project's database, role and app_databases row are gone afterwards (dropped by the
 * runner the API tells).
 */
describe('database panel races (e2e, linked runner)', () => {
  let db: TestDatabase;
  let runner: StackServer & { app: INestApplication };
  let api: StackServer & { app: INestApplication };
  let owner: TestUser;
  let stranger: TestUser;
  let strangersProject: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // No LLM is asked for anything here: the runner only makes and drops databases.
    runner = await startLinkedRunner(db, 'http://127.0.0.1:9');
    api = await startLiveApi(db, { RUNNER_URLS: runner.url, SANDBOX_PROVIDER: 'none' });
    await eventually(
      () => (api.app.get(RunnerLinks).up().length > 0 ? true : undefined),
      'the API to link to the runner',
    );
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    strangersProject = await createProjectAs(api.url, stranger, 'Own app');
  });

  afterAll(async () => {
    await api?.close();
    await runner?.close();
    await db?.drop();
  });

  /** A project of the owner's with its database made by the runner and a table of secrets. */
  async function ownersDatabase(): Promise<OwnersDatabase> {
    const projectId = await createProjectAs(api.url, owner, 'Guestbook');
    const { credentials } = await runner.app.get(AppDatabases).ensure(projectId);
    const marker = projectId.slice(0, 8);
    const client = new Client({ connectionString: appDatabaseUrl(db.url, credentials) });
    await client.connect();
    try {
      await client.query(`CREATE TABLE notes_${marker} (id int PRIMARY KEY, body text NOT NULL)`);
      await client.query(
        `INSERT INTO notes_${marker} SELECT i, 'secret-${marker}-' || i FROM generate_series(1, ${ROWS}) i`,
      );
    } finally {
      await client.end();
    }
    return {
      projectId,
      ...credentials,
      secrets: [
        `notes_${marker}`,
        credentials.database,
        credentials.password,
        ...Array.from({ length: ROWS }, (_, i) => `secret-${marker}-${i + 1}`),
      ],
    };
  }

  function read(reader: Reader, what: Read, target: OwnersDatabase): Promise<CallResult> {
    const user = reader === 'owner' ? owner : stranger;
    const id = reader === 'stranger-via-own' ? strangersProject : target.projectId;
    // Through its own project the stranger can only name the owner's table.
    const path =
      what === 'describe' && reader !== 'stranger-via-own'
        ? `/api/projects/${id}/database`
        : `/api/projects/${id}/database/tables/${target.secrets[0]}/rows`;
    return call(api.url, 'GET', path, { cookie: user.cookie });
  }

  /** The owner's data exactly as it was made. */
  function expectOwnersData(what: Read, answer: CallResult, target: OwnersDatabase): void {
    if (what === 'describe') {
      expect(answer.body).toMatchObject({
        exists: true,
        tables: [{ name: target.secrets[0], rows: ROWS }],
      });
    } else {
      expect(answer.body.rows).toEqual(
        Array.from({ length: ROWS }, (_, i) => [String(i + 1), target.secrets[3 + i]]),
      );
    }
  }

  /** The owner's secrets but the table's name, when the stranger sent it itself. */
  function strangersView(reader: Reader, target: OwnersDatabase): string[] {
    return reader === 'stranger-via-own' ? target.secrets.slice(1) : target.secrets;
  }

  async function leftOf(target: OwnersDatabase) {
    const [{ databases }] = await db.query<{ databases: number }>(
      `SELECT count(*)::int AS databases FROM pg_database WHERE datname = $1`,
      [target.database],
    );
    const [{ roles }] = await db.query<{ roles: number }>(
      `SELECT count(*)::int AS roles FROM pg_roles WHERE rolname = $1`,
      [target.role],
    );
    const [{ rows }] = await db.query<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM app_databases WHERE project_id = $1`,
      [target.projectId],
    );
    return { databases, roles, rows };
  }

  it("answers 404 to another user's reads, with nothing of the owner's database", async () => {
    const target = await ownersDatabase();
    for (const reader of ['stranger', 'stranger-via-own'] as const) {
      for (const what of ['describe', 'rows'] as const) {
        const answer = await read(reader, what, target);
        expect({ reader, what, status: answer.status }).toEqual({ reader, what, status: 404 });
        expect(leaked(answer.body, strangersView(reader, target))).toEqual([]);
      }
    }
    const own = await read('owner', 'rows', target);
    expect(own.status).toBe(200);
    expectOwnersData('rows', own, target);
  });

  it("races another user's reads against the owner's reads and the project's deletion", async () => {
    const racer = fc.record({
      reader: fc.constantFrom<Reader>('owner', 'stranger', 'stranger-via-own'),
      what: fc.constantFrom<Read>('describe', 'rows'),
      after: startDelay,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(racer, { minLength: 2, maxLength: 8 }),
        fc.option(startDelay, { nil: null }),
        async (reads, deleteAfter) => {
          const target = await ownersDatabase();
          const racers: Racer<{ reader: Reader | 'delete'; what?: Read; answer: CallResult }>[] =
            reads.map(({ reader, what, after }) => ({
              after,
              run: async () => ({ reader, what, answer: await read(reader, what, target) }),
            }));
          if (deleteAfter !== null) {
            racers.push({
              after: deleteAfter,
              run: async () => ({
                reader: 'delete',
                answer: await call(api.url, 'DELETE', `/api/projects/${target.projectId}`, {
                  cookie: owner.cookie,
                }),
              }),
            });
          }
          for (const { reader, what, answer } of await race(racers)) {
            if (reader === 'delete') {
              expect(answer.status).toBe(204);
            } else if (reader === 'owner') {
              const allowed = deleteAfter === null ? [200] : [200, 404];
              expect({
                what,
                status: answer.status,
                allowed: allowed.includes(answer.status),
              }).toEqual({ what, status: answer.status, allowed: true });
              if (answer.status === 200) {
                expectOwnersData(what!, answer, target);
              }
            } else {
              expect({ reader, what, status: answer.status }).toEqual({
                reader,
                what,
                status: 404,
              });
              expect(leaked(answer.body, strangersView(reader, target))).toEqual([]);
            }
          }
          if (deleteAfter === null) {
            // Nothing read changed anything: the owner's data is as it was made.
            expect(await leftOf(target)).toEqual({ databases: 1, roles: 1, rows: 1 });
            expectOwnersData('rows', await read('owner', 'rows', target), target);
          } else {
            await eventually(async () => {
              const left = await leftOf(target);
              return left.databases + left.roles + left.rows === 0 ? true : undefined;
            }, "the deleted project's database to be dropped");
          }
        },
      ),
      raceRuns(15),
    );
  });
});
