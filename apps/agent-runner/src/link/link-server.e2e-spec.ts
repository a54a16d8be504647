import { type AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import {
  createDemoLlmHandler,
  createScriptedLlmServer,
  type ScriptedLlmServer,
} from '@forge/scripted-llm';
import {
  nextStreaming,
  type ProjectSnapshot,
  RUNNER_LINK_PATH,
  type RunnerLinkReply,
  type ServerEvent,
  type StreamingFile,
} from '@forge/protocol';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createProject, type RunnerTestApp, startRunnerTestApp } from '../testing/runner-test-app';
import { LinkServer } from './link-server';

const TOKEN = 'link-test-service-token-0123456789abcdef';

function connect(url: string, options: { token?: string; origin?: string } = {}): Socket {
  return io(url, {
    path: RUNNER_LINK_PATH,
    transports: ['websocket'],
    reconnection: false,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.origin ? { origin: options.origin } : {},
  });
}

/** Resolves when connected, rejects with the connect error. */
function opened(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
}

async function until(probe: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(LinkServer.name, () => {
  let db: TestDatabase;
  let llm: ScriptedLlmServer;
  let runner: RunnerTestApp;
  let url: string;
  const sockets: Socket[] = [];

  function track(socket: Socket): Socket {
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    llm = await createScriptedLlmServer({
      handler: createDemoLlmHandler(),
      models: ['forge-demo'],
      chunkSize: 20,
      chunksPerSecond: 200,
    });
    runner = await startRunnerTestApp(db, llm.url, {
      RUNNER_ID: 'link-runner',
      RUNNER_SERVICE_TOKEN: TOKEN,
      LLM_MODEL_DESIGN: 'forge-demo',
      LLM_MODEL_CODE: 'forge-demo',
    });
    await runner.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(runner.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      socket.close();
    }
  });

  afterAll(async () => {
    await runner.close();
    await llm.close();
    await db.drop();
  });

  it('refuses a handshake without the service token, or with a wrong one', async () => {
    await expect(opened(track(connect(url)))).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
    await expect(
      opened(track(connect(url, { token: 'x'.repeat(TOKEN.length) }))),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses anything that comes from a browser, even with the token', async () => {
    await expect(
      opened(track(connect(url, { token: TOKEN, origin: 'http://localhost:3000' }))),
    ).rejects.toThrow();
  });

  it('answers hello with its runner id, and refuses an invalid command', async () => {
    const socket = track(connect(url, { token: TOKEN }));
    await opened(socket);
    expect(await socket.emitWithAck('hello', {})).toEqual({ ok: true, runnerId: 'link-runner' });
    expect(await socket.emitWithAck('generate', { projectId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_COMMAND' },
    });
  });

  it('serves a snapshot mid-stream from which the following events rebuild the file exactly', async () => {
    const projectId = await createProject(db);
    const socket = track(connect(url, { token: TOKEN }));
    await opened(socket);
    const events: ServerEvent[] = [];
    socket.on('events', (batch: ServerEvent[]) => events.push(...batch));
    expect(await socket.emitWithAck('watch', { projectIds: [projectId] })).toEqual({ ok: true });
    expect(await socket.emitWithAck('generate', { projectId, description: 'A todo list' })).toEqual(
      { ok: true },
    );

    // Ask until a snapshot lands in the middle of a file.
    let snapshot: ProjectSnapshot | undefined;
    for (let tries = 0; tries < 500 && !snapshot?.streaming; tries++) {
      const reply = (await socket.emitWithAck('snapshot', {
        projectId,
      })) as RunnerLinkReply<'snapshot'>;
      if (!reply.ok) {
        throw new Error(reply.error.message);
      }
      expect(reply).toMatchObject({ servedBy: 'link-runner' });
      snapshot = reply.snapshot;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!snapshot?.streaming) {
      throw new Error('no snapshot caught a file half streamed');
    }

    await until(() => events.some((event) => event.type === 'generation_complete'), 'the end');
    // The snapshot's streamed file equals the events up to its seq, to the byte.
    let streaming: StreamingFile | null = null;
    for (const event of events.filter((e) => e.seq <= snapshot!.seq)) {
      streaming = nextStreaming(streaming, event);
    }
    expect(snapshot.streaming).toEqual(streaming);
    // And the events after it finish that file with exactly the saved content. Its file_end is
    // announced once the file is saved, which may be after the next file's first chunks.
    const { path } = snapshot.streaming;
    let rebuilt = snapshot.streaming.content;
    let saved: string | undefined;
    for (const event of events.filter((e) => e.seq > snapshot.seq)) {
      if (event.type === 'file_end' && event.path === path) {
        saved = event.content;
        break;
      }
      if (event.type === 'file_chunk' && event.path === path) {
        rebuilt += event.chunk;
      }
    }
    expect(rebuilt).toBe(saved);
    await runner.supervisor.settled(projectId);
  });

  it('carries the current errors in snapshots, and not once a code change superseded them', async () => {
    const projectId = await createProject(db);
    const socket = track(connect(url, { token: TOKEN }));
    await opened(socket);
    const snapshot = async (): Promise<ProjectSnapshot> => {
      const reply = (await socket.emitWithAck('snapshot', {
        projectId,
      })) as RunnerLinkReply<'snapshot'>;
      if (!reply.ok) {
        throw new Error(reply.error.message);
      }
      return reply.snapshot;
    };
    expect((await snapshot()).problems).toBeUndefined();

    // Two tabs report the same error from fresh loads: one error, in the next tab's snapshot.
    for (const loadId of ['tab-1', 'tab-2']) {
      await runner.supervisor.runtimeErrors(projectId, [
        { kind: 'error', message: 'TypeError: items.map is not a function', pageAgeMs: 5, loadId },
      ]);
    }
    expect((await snapshot()).problems).toEqual({
      checks: [],
      browser: [
        expect.objectContaining({
          tool: 'runtime',
          message: 'TypeError: items.map is not a function',
        }),
      ],
    });

    await runner.supervisor.saveFile(projectId, 'src/App.tsx', 'export default () => null;\n');
    await until(
      () =>
        runner.events.some(
          (e) => e.projectId === projectId && e.type === 'problems' && e.problems.length === 0,
        ),
      'the superseded errors cleared',
    );
    expect((await snapshot()).problems).toEqual({ checks: [], browser: [] });
  });

  it('carries the latest version in snapshots: none for a new project, then the saved one', async () => {
    const projectId = await createProject(db);
    const socket = track(connect(url, { token: TOKEN }));
    await opened(socket);
    const version = async (): Promise<number | undefined> => {
      const reply = (await socket.emitWithAck('snapshot', {
        projectId,
      })) as RunnerLinkReply<'snapshot'>;
      if (!reply.ok) {
        throw new Error(reply.error.message);
      }
      return reply.snapshot.version;
    };
    expect(await version()).toBe(0);
    // A saved edit makes a version with no phase run, as an import or a remix does.
    const saved = await runner.supervisor.saveFile(projectId, 'src/App.tsx', 'export {};\n');
    expect(saved).toBe(1);
    expect(await version()).toBe(1);
  });

  it('answers PROJECT_NOT_FOUND for a project that does not exist', async () => {
    const socket = track(connect(url, { token: TOKEN }));
    await opened(socket);
    expect(
      await socket.emitWithAck('snapshot', { projectId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ ok: false, error: { code: 'PROJECT_NOT_FOUND' } });
  });
});
