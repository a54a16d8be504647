import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AgentStore } from '../agent/agent-store';
import { demoLlm, DEMO_MODEL_ENV } from '../testing/demo-llm';
import { useRunnerStack } from '../testing/runner-stack';
import { createProject, waitForEvent } from '../testing/runner-test-app';
import { PreviewCamera } from './preview-camera';
import { ThumbnailService } from './thumbnail.service';

// Preparing the template (bun install), a cold Vite start and a first Chromium take a while.
jest.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = resolve(__dirname, '../../../../test-results/thumbnails');

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(image: Buffer): { width: number; height: number } {
  expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
}

describe('project titles and preview thumbnails (e2e)', () => {
  beforeAll(() => {
    expect(PreviewCamera.available(CHROMIUM)).toBe(true);
  });
  const stack = useRunnerStack({
    llm: demoLlm({ chunkSize: 400 }),
    env: { ...DEMO_MODEL_ENV, THUMBNAIL_CHROMIUM_PATH: CHROMIUM, THUMBNAIL_WIDTH: '320' },
    sandboxes: {
      prefix: 'forge-runner-thumbnails-',
      templateCache: join(tmpdir(), 'forge-e2e-template-cache'),
    },
  });

  it('names a new project after its design title and pictures its preview at each version', async () => {
    const { db, runner } = stack();
    const projectId = await createProject(db, 'A pomodoro timer with breaks and a session count');
    await runner.supervisor.generate(projectId, 'A pomodoro timer with breaks and a session count');
    await waitForEvent(runner.events, projectId, 'generation_complete', undefined, 240_000);
    await runner.app.get(ThumbnailService).idle();

    const [project] = await db.query<{ name: string }>(`SELECT name FROM projects WHERE id = $1`, [
      projectId,
    ]);
    expect(project?.name).toBe('Pomodoro timer');

    const rows = await db.query<{ version_number: number; media_type: string; image: Buffer }>(
      `SELECT version_number, media_type, image FROM project_thumbnails WHERE project_id = $1`,
      [projectId],
    );
    expect(rows).toHaveLength(1);
    const [thumbnail] = rows;
    // The newest version is the one pictured: the demo records one a phase, two phases.
    expect(thumbnail!.version_number).toBe(2);
    expect(thumbnail!.media_type).toBe('image/png');
    // 1280×800 scaled to THUMBNAIL_WIDTH.
    expect(pngSize(thumbnail!.image)).toEqual({ width: 320, height: 200 });
    // Not a blank page: a white 320×200 PNG takes a few hundred bytes, a rendered app thousands.
    expect(thumbnail!.image.length).toBeGreaterThan(2_000);
    // For a reviewer to look at.
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(SHOTS, 'pomodoro-thumbnail.png'), thumbnail!.image);
  });

  it('leaves a name its owner chose', async () => {
    const { db, runner } = stack();
    const projectId = await createProject(db, 'My own name');
    await db.query(`UPDATE projects SET renamed = true WHERE id = $1`, [projectId]);
    const store = runner.app.get(AgentStore);
    expect(await store.proposeTitle(projectId, 'Todo list')).toBe(false);
    const [project] = await db.query<{ name: string }>(`SELECT name FROM projects WHERE id = $1`, [
      projectId,
    ]);
    expect(project?.name).toBe('My own name');
  });
});
