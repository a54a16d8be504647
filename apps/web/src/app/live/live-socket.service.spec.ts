/**
 * A real Socket.IO server in this process plays the API's part; the client runs as in Node
 * (the jsdom environment would give socket.io's server the browser build of `ws`).
 *
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { TestBed } from '@angular/core/testing';
import { type ServerEvent } from '@forge/protocol/agent/events';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import { API_BASE_URL } from '../core/api-base-url.token';
import { ErrorCode } from '@forge/protocol/errors';
import {
  type ConnectionStatus,
  LIVE_SOCKET_OPTIONS,
  LiveSocketService,
  type ProjectFeedListener,
  isSignedOutRefusal,
} from './live-socket.service';
import { TestLiveServer, until } from './testing/test-live-server';

const PROJECT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

/** A listener that keeps what it hears. */
function recorder() {
  const heard = {
    snapshots: [] as ProjectSnapshot[],
    events: [] as ServerEvent[],
    refusals: [] as string[],
  };
  const listener: ProjectFeedListener = {
    snapshot: (snapshot) => heard.snapshots.push(snapshot),
    event: (event) => heard.events.push(event),
    refused: (error) => heard.refusals.push(error.code),
  };
  return { heard, listener };
}

describe(LiveSocketService.name, () => {
  let server: TestLiveServer;
  let live: LiveSocketService;
  const stops: (() => void)[] = [];

  beforeEach(async () => {
    server = await TestLiveServer.start();
    TestBed.configureTestingModule({
      providers: [
        { provide: API_BASE_URL, useValue: server.url },
        {
          provide: LIVE_SOCKET_OPTIONS,
          useValue: { reconnectionDelay: 20, reconnectionDelayMax: 50 },
        },
      ],
    });
    live = TestBed.inject(LiveSocketService);
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) {
      stop();
    }
    await server.close();
  });

  function watch(projectId: string, listener: ProjectFeedListener): void {
    stops.push(live.watch(projectId, listener));
  }

  it('joins a watched project and hands its snapshot, then its events, to the listener', async () => {
    const { heard, listener } = recorder();
    watch(PROJECT, listener);
    expect(live.status()).toBe('connecting');
    await until(() => heard.snapshots.length === 1, 'the snapshot');
    expect(live.status()).toBe('connected');
    expect(server.commands).toEqual([{ name: 'join', payload: { projectId: PROJECT } }]);

    const event = { type: 'state_change', state: 'DESIGNING_PHASE', previous: 'IDLE' };
    server.latest.emit('state_change', { ...event, projectId: OTHER, seq: 1 });
    server.latest.emit('state_change', { ...event, projectId: PROJECT, seq: 2 });
    server.latest.emit('error', {
      type: 'error',
      code: 'X',
      message: 'm',
      fatal: false,
      projectId: PROJECT,
      seq: 3,
    });
    // A refused command (no seq) is not an event of the project's history.
    server.latest.emit('error', { code: 'RATE_LIMITED', message: 'wait', projectId: PROJECT });
    await until(() => heard.events.length === 2, 'the events');
    expect(heard.events.map((e) => [e.type, e.seq])).toEqual([
      ['state_change', 2],
      ['error', 3],
    ]);
  });

  it('joins again after the connection drops, and takes the fresh snapshot', async () => {
    const { heard, listener } = recorder();
    const statuses: ConnectionStatus[] = [];
    watch(PROJECT, listener);
    await until(() => heard.snapshots.length === 1, 'the first snapshot');

    server.latest.conn.close();
    await until(() => live.status() !== 'connected', 'the drop to be noticed');
    statuses.push(live.status());
    await until(() => heard.snapshots.length === 2, 'the snapshot after reconnecting');
    statuses.push(live.status());

    expect(statuses).toEqual(['reconnecting', 'connected']);
    expect(server.count('join')).toBe(2);
    expect(heard.snapshots.map((s) => s.seq)).toEqual([1, 2]);
    // The join after the reconnect says what was seen, so the events missed meanwhile come too.
    expect(server.commands.filter((c) => c.name === 'join').map((c) => c.payload)).toEqual([
      { projectId: PROJECT },
      { projectId: PROJECT, since: 1 },
    ]);
  });

  it('reconnects when the server closed the connection itself', async () => {
    const { heard, listener } = recorder();
    watch(PROJECT, listener);
    await until(() => heard.snapshots.length === 1, 'the first snapshot');

    server.latest.disconnect(true);
    await until(() => heard.snapshots.length === 2, 'the snapshot after reconnecting');
    expect(live.status()).toBe('connected');
    expect(server.sockets).toHaveLength(2);
  });

  it('asks for a fresh snapshot on refresh', async () => {
    const { heard, listener } = recorder();
    watch(PROJECT, listener);
    await until(() => heard.snapshots.length === 1, 'the first snapshot');
    live.refresh(PROJECT);
    await until(() => heard.snapshots.length === 2, 'the refreshed snapshot');
    expect(server.commands.map((c) => c.name)).toEqual(['join', 'get_state']);
  });

  it('says why the server refused the connection, and that the session is gone', async () => {
    server.refuseHandshake = true;
    watch(PROJECT, recorder().listener);
    await until(() => live.status() === 'refused', 'the refusal');
    expect(live.refusal()).toEqual({
      code: ErrorCode.Unauthenticated,
      message: 'Sign in to continue.',
    });
    expect(isSignedOutRefusal(live.refusal())).toBe(true);
    expect(server.sockets).toHaveLength(0);
  });

  it('tells the listener when joining the project is refused', async () => {
    server.refuseJoin = {
      ok: false,
      error: { code: ErrorCode.ProjectNotFound, message: 'No such project.' },
    };
    const { heard, listener } = recorder();
    watch(PROJECT, listener);
    await until(() => heard.refusals.length === 1, 'the refusal');
    expect(heard.refusals).toEqual([ErrorCode.ProjectNotFound]);
  });

  it('sends commands and resolves with their acknowledgement', async () => {
    const { heard, listener } = recorder();
    watch(PROJECT, listener);
    await until(() => heard.snapshots.length === 1, 'the snapshot');

    await expect(
      live.command('generate', { projectId: PROJECT, description: 'A todo list' }),
    ).resolves.toEqual({ ok: true });
    server.answer = {
      ok: false,
      error: { code: ErrorCode.GenerationRunning, message: 'A generation is running.' },
    };
    await expect(live.command('cancel', { projectId: PROJECT })).resolves.toEqual(server.answer);
    expect(server.commands.slice(1)).toEqual([
      { name: 'generate', payload: { projectId: PROJECT, description: 'A todo list' } },
      { name: 'cancel', payload: { projectId: PROJECT } },
    ]);
  });

  it('refuses a command at once while not connected', async () => {
    await expect(live.command('cancel', { projectId: PROJECT })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotConnected },
    });
  });

  it('leaves the project and closes the socket when the last watcher goes', async () => {
    const first = recorder();
    const second = recorder();
    const stopFirst = live.watch(PROJECT, first.listener);
    const stopSecond = live.watch(PROJECT, second.listener);
    await until(() => first.heard.snapshots.length === 1, 'the snapshot');
    expect(server.count('join')).toBe(1);

    stopFirst();
    expect(live.status()).toBe('connected');
    stopSecond();
    expect(live.status()).toBe('idle');
    await until(() => server.latest.disconnected, 'the socket to close');
    expect(server.commands.map((c) => c.name)).toEqual(['join', 'leave']);
  });
});
