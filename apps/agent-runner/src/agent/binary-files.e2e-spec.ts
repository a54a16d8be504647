import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScriptedLlmServer } from '@forge/scripted-llm';
import { E2E_TEMPLATE_CACHE } from '../../../../test/e2e/support/web-stack';
import { SnapshotBuilder } from '../link/snapshot-builder';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import {
  agentRow,
  createProject,
  type RunnerTestApp,
  savedProjectFiles,
  startRunnerTestApp,
  waitForEvent,
  withScriptedRunner,
} from '../testing/runner-test-app';
import { designAnswer, scofAnswer } from '../testing/scripted-answers';

jest.setTimeout(120_000);

const APP = { 'src/App.tsx': 'export default function App() {\n  return <h1>Hi</h1>;\n}\n' };

/** Every byte value, in a pattern of its own per seed. */
function bytes(length: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 151 + seed) % 256));
}

/** A `base64 -d` block, in lines of 76 characters as `base64` writes them. */
function binaryBlock(path: string, data: Buffer): string {
  const base64 = data.toString('base64');
  const lines = base64.match(/.{1,76}/g) ?? [];
  return `base64 -d > ${path} << 'EOF'\n${lines.join('\n')}\nEOF\n`;
}

function problems(runner: RunnerTestApp, projectId: string) {
  return runner.events.flatMap((e) => (e.projectId === projectId && e.type === 'error' ? [e] : []));
}

describe('binary files from the model (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('saves a base64 block as bytes, refuses one over AGENT_BINARY_FILE_MAX_BYTES and a patch of one, and restores one', async () => {
    const logo = bytes(3_000, 7);
    const other = bytes(2_000, 99);
    const first = [
      scofAnswer(APP),
      binaryBlock('public/logo.png', logo),
      binaryBlock('public/huge.png', bytes(5_000, 1)),
      'rm src/index.css',
    ].join('\n');
    // The patch comes first: a path written earlier in the same answer is not patched again.
    const second = [
      "cat << 'EOF' | patch public/logo.png\n--- a/public/logo.png\n+++ b/public/logo.png\n@@ -1 +1 @@\n-a\n+b\nEOF\n",
      binaryBlock('public/logo.png', other),
    ].join('\n');
    await withScriptedRunner(
      db,
      {
        replies: [
          designAnswer(['src/App.tsx', 'public/logo.png']),
          first,
          designAnswer(['public/logo.png']),
          second,
        ],
        chunkSize: 100,
        env: { AGENT_BINARY_FILE_MAX_BYTES: '4096' },
      },
      async (runner, _llm, projectId) => {
        await runner.supervisor.generate(projectId, 'A logo');
        await waitForEvent(runner.events, projectId, 'generation_complete');
        expect(await savedProjectFiles(db, projectId)).toEqual([
          { path: 'public/logo.png', content: logo.toString('base64'), encoding: 'base64' },
          { path: 'src/App.tsx', content: APP['src/App.tsx'] },
        ]);
        expect((await agentRow(db, projectId)).deleted_paths).toEqual(['src/index.css']);
        const start = await waitForEvent(
          runner.events,
          projectId,
          'file_start',
          (e) => e.path === 'public/logo.png',
        );
        expect(start.encoding).toBe('base64');
        const end = await waitForEvent(
          runner.events,
          projectId,
          'file_end',
          (e) => e.path === 'public/logo.png',
        );
        expect(Buffer.from(end.content, 'base64')).toEqual(logo);
        expect(end.encoding).toBe('base64');
        expect(
          runner.events.some(
            (e) => e.projectId === projectId && e.type === 'file_chunk' && e.path.endsWith('.png'),
          ),
        ).toBe(false);
        expect(problems(runner, projectId)).toEqual([
          expect.objectContaining({
            code: 'SCOF_FILE_TOO_LARGE',
            message: expect.stringContaining('(AGENT_BINARY_FILE_MAX_BYTES) of 4096'),
          }),
        ]);

        const built = await runner.app.get(SnapshotBuilder).build(projectId);
        expect(built?.snapshot.files).toContainEqual({
          path: 'public/logo.png',
          content: logo.toString('base64'),
          encoding: 'base64',
        });

        // A second request writes another image and tries to patch it as text.
        const completes = () =>
          runner.events.filter((e) => e.projectId === projectId && e.type === 'generation_complete')
            .length;
        await runner.supervisor.generate(projectId, 'Another logo');
        const deadline = Date.now() + 60_000;
        while (completes() < 2 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(completes()).toBe(2);
        await waitForEvent(
          runner.events,
          projectId,
          'error',
          (e) => e.code === 'PATCH_FAILED' && e.message.includes('binary file'),
        );
        const changed = await savedProjectFiles(db, projectId);
        expect(changed[0]).toEqual({
          path: 'public/logo.png',
          content: other.toString('base64'),
          encoding: 'base64',
        });

        // Version 1 brings the first image back, as bytes.
        const versions = await db.query<{ number: number }>(
          `SELECT number FROM versions WHERE project_id = $1 ORDER BY number`,
          [projectId],
        );
        expect(versions.length).toBeGreaterThanOrEqual(2);
        await runner.supervisor.rollback(projectId, versions[0]!.number);
        const restored = await savedProjectFiles(db, projectId);
        expect(restored[0]).toEqual({
          path: 'public/logo.png',
          content: logo.toString('base64'),
          encoding: 'base64',
        });
        const restoredEvent = runner.events.filter(
          (e) => e.projectId === projectId && e.type === 'file_end' && e.path === 'public/logo.png',
        );
        expect(restoredEvent.at(-1)).toMatchObject({ encoding: 'base64' });
      },
    );
  });

  it('opens a new sandbox with the image as its bytes and without the starter files the agent deleted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'forge-binary-sandbox-'));
    mkdirSync(E2E_TEMPLATE_CACHE, { recursive: true });
    const llm = await createScriptedLlmServer({ replies: [] });
    const runner = await startRunnerTestApp(db, llm.url, {
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: join(dataDir, 'sandboxes'),
      SANDBOX_TEMPLATE_CACHE: E2E_TEMPLATE_CACHE,
      SANDBOX_POOL_SIZE: '0',
    });
    try {
      const projectId = await createProject(db);
      const logo = bytes(4_000, 3);
      await db.query(
        `INSERT INTO generated_files (project_id, path, content, encoding, phase) VALUES ($1, 'public/logo.png', $2, 'base64', 1)`,
        [projectId, logo.toString('base64')],
      );
      // src/App.tsx was deleted and written again: it stays.
      await db.query(
        `INSERT INTO generated_files (project_id, path, content, phase) VALUES ($1, 'src/App.tsx', $2, 1)`,
        [projectId, APP['src/App.tsx']],
      );
      await db.query(`UPDATE agent_states SET deleted_paths = $2 WHERE project_id = $1`, [
        projectId,
        JSON.stringify(['src/index.css', 'src/App.tsx']),
      ]);
      const sandbox = (await runner.app.get(SandboxSessions).open(projectId))!;
      expect(await sandbox.readFile('src/index.css')).toBeNull();
      expect(await sandbox.readFile('src/main.tsx')).not.toBeNull();
      expect(await sandbox.readFile('src/App.tsx')).toBe(APP['src/App.tsx']);
      const [written] = findFile(join(dataDir, 'sandboxes'), 'logo.png');
      expect(readFileSync(written!)).toEqual(logo);
    } finally {
      await runner.close();
      await llm.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Files named `name` under `dir` (node_modules left out). */
function findFile(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : findFile(path, name);
    }
    return entry.name === name ? [path] : [];
  });
}
