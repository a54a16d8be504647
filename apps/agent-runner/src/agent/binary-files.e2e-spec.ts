import { SnapshotBuilder } from '../link/snapshot-builder';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import {
  agentRow,
  type RunnerTestApp,
  savedProjectFiles,
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
});
