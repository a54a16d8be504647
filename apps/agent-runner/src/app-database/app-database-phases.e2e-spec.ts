import { Client } from 'pg';
import { type PhaseInfo } from '@forge/protocol';
import {
  processSandboxes,
  type ProcessSandboxes,
} from '../../../../test/support/process-sandboxes';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { databaseUrlViteConfig } from '../../../../libs/sandbox/src/testing/database-url-vite-config';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { agentRow, savedFiles, waitForEvent, withScriptedRunner } from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';
import { appDatabaseName } from './app-database-admin';
import { AppDatabases } from './app-databases';

// Preparing the template and a cold Vite start take a while.
jest.setTimeout(300_000);

/** The starter's config with a route that says which DATABASE_URL the dev server was given. */
const VITE_CONFIG = databaseUrlViteConfig();

const BROKEN = 'CREATE TABLE notes (id serial PRIMARY KEY,\n  text text NOT NULL,,\n);\n';
const FIXED = 'CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL);\n';

describe('app databases through the agent, in a process sandbox (e2e)', () => {
  let db: TestDatabase;
  let sandboxes: ProcessSandboxes;

  beforeAll(async () => {
    db = await createTestDatabase();
    sandboxes = processSandboxes('forge-appdb-');
  });
  afterAll(async () => {
    await db?.drop();
    sandboxes?.remove();
  });

  it('creates the database when a phase writes a migration, gives the dev server DATABASE_URL, sends a failed migration to the fix loop, and drops it all with the project', async () => {
    await withScriptedRunner(
      db,
      {
        replies: [
          designAnswer(['db/migrations/001-create-notes.sql', 'vite.config.ts']),
          scofAnswer({
            'db/migrations/001-create-notes.sql': BROKEN,
            'vite.config.ts': VITE_CONFIG,
          }),
          scofAnswer({ 'db/migrations/001-create-notes.sql': FIXED }),
        ],
        chunkSize: 64,
        env: {
          ...sandboxes.env,
          AGENT_RUNTIME_ERROR_WAIT_MS: '0',
          AGENT_CHECK_TSC: 'false',
          AGENT_CHECK_BUILD: 'false',
          LLM_SILENCE_TIMEOUT_MS: '60000',
        },
      },
      async (runner, llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A notes app that keeps its notes');
        await waitForEvent(runner.events, projectId, 'generation_complete', undefined, 240_000);
        await runner.supervisor.settled(projectId);

        const events = runner.events.filter((event) => event.projectId === projectId);
        const logs = events.flatMap((event) => (event.type === 'log' ? [event.text] : []));
        expect(logs).toContainEqual(
          expect.stringMatching(/Created the app's own PostgreSQL database/),
        );
        const check = logs.find((text) => text.startsWith('Database migrations'));
        expect(check).toMatch(
          /db\/migrations\/001-create-notes\.sql:2 - migration failed: syntax error at or near ","/,
        );
        const phases = (await agentRow(db, projectId)).phases as PhaseInfo[];
        expect(phases.map((p) => p.kind ?? 'phase')).toEqual(['phase', 'fix']);
        expect(phases[1]?.files.map((f) => f.path)).toEqual(['db/migrations/001-create-notes.sql']);
        expect(logs).toContainEqual('Applied migrations: 001-create-notes.sql.');
        // The fix's prompt carried the migration's error.
        expect(JSON.stringify(llm.requests[2]?.messages)).toContain('migration failed');
        expect((await savedFiles(db, projectId))['db/migrations/001-create-notes.sql']).toBe(FIXED);

        const databases = runner.app.get(AppDatabases);
        const { DATABASE_URL } = await databases.sandboxEnv(projectId);
        expect(DATABASE_URL).toMatch(new RegExp(`/${appDatabaseName(projectId)}$`));
        const devServer = await runner.devServerUrl(projectId);
        const seen = await (await fetch(`${devServer}/__database-url`)).text();
        expect(seen).toBe(DATABASE_URL);

        const client = new Client({ connectionString: DATABASE_URL });
        await client.connect();
        try {
          const applied = await client.query('SELECT name FROM forge_migrations');
          expect(applied.rows).toEqual([{ name: '001-create-notes.sql' }]);
          await client.query(`INSERT INTO notes (text) VALUES ('kept')`);
        } finally {
          await client.end();
        }

        await db.query('DELETE FROM projects WHERE id = $1', [projectId]);
        await runner.app.get(SandboxSessions).destroy(projectId);
        const left = await db.query(
          'SELECT datname FROM pg_database WHERE datname = $1 UNION ALL SELECT rolname FROM pg_roles WHERE rolname = $1',
          [appDatabaseName(projectId)],
        );
        expect(left).toEqual([]);
      },
    );
  });
});
