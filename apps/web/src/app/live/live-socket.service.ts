import { DOCUMENT, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { type ServerEvent } from '@forge/protocol/agent/events';
import { ErrorCode } from '@forge/protocol/errors';
import {
  type CommandAck,
  type CommandError,
  type LiveClientCommands,
  type LiveServerEventMap,
  type LiveServerEventName,
  type LiveServerEvents,
} from '@forge/protocol/socket/live-events';
import {
  type LiveCommandName,
  type LiveCommandPayloads,
} from '@forge/protocol/socket/live-commands';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import { type ManagerOptions, type Socket, type SocketOptions, io } from 'socket.io-client';
import { API_BASE_URL } from '../core/api-base-url.token';
import { AGENT_EVENT_TYPES, handshakeRefusal, isCommandError } from './live-events';

/** Where the API's Socket.IO server listens, on the API's origin. */
export const SOCKET_PATH = '/socket.io';
/** Longest wait for a command's acknowledgement; past it the command is reported as unanswered. */
export const COMMAND_TIMEOUT_MS = 20_000;

/** Socket.IO options a deployment or a test may change (reconnection pacing). */
export const LIVE_SOCKET_OPTIONS = new InjectionToken<Partial<ManagerOptions & SocketOptions>>(
  'LIVE_SOCKET_OPTIONS',
  { providedIn: 'root', factory: () => ({}) },
);

/**
 * idle: nothing watched, no socket. connecting: the first connection. connected. reconnecting:
 * the connection dropped and socket.io-client is trying again. refused: the server turned the
 * handshake down (signed out, wrong origin); `refusal` says why.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'refused';

/** What one watcher of a project hears. */
export interface ProjectFeedListener {
  /** The project's state, after joining and again after every reconnect. */
  snapshot(snapshot: ProjectSnapshot): void;
  event(event: ServerEvent): void;
  /** Joining the project was refused (not found, too many projects, …). */
  refused(error: CommandError): void;
}

type LiveSocket = Socket<LiveServerEvents, LiveClientCommands>;

/*
 * Socket.IO's typed on() and emitWithAck() cannot follow an event name that is a type
 * parameter (nor the protocol's optional acknowledgement); these two take the name and its
 * payload from the protocol's maps and call them through their plain signatures.
 */

/** Listens to one server event, its handler typed by LiveServerEventMap. */
function listen<K extends LiveServerEventName>(
  socket: LiveSocket,
  name: K,
  handler: (payload: LiveServerEventMap[K]) => void,
): void {
  const target: { on(name: string, handler: (payload: LiveServerEventMap[K]) => void): unknown } =
    socket;
  target.on(name, handler);
}

/** Sends a command and resolves with its acknowledgement (rejects when none comes in time). */
function sendCommand<K extends LiveCommandName>(
  socket: LiveSocket,
  name: K,
  payload: LiveCommandPayloads[K],
): Promise<CommandAck> {
  const timed: { emitWithAck(name: string, payload: unknown): Promise<CommandAck> } =
    socket.timeout(COMMAND_TIMEOUT_MS);
  return timed.emitWithAck(name, payload);
}
type ProjectCommand = 'generate' | 'cancel' | 'save_file' | 'rollback';

/**
 * The browser's one live connection: socket.io-client to the API's origin with the session
 * cookie. It joins every watched project, joins them again after each reconnect (the server
 * answers each join with a fresh snapshot, which replaces what the page had), and hands
 * snapshots and events to the project's listeners. The socket opens with the first watcher and
 * closes with the last.
 */
@Injectable({ providedIn: 'root' })
export class LiveSocketService {
  private readonly baseUrl = inject(API_BASE_URL);
  private readonly options = inject(LIVE_SOCKET_OPTIONS);
  private readonly document = inject(DOCUMENT);
  private readonly feeds = new Map<string, Set<ProjectFeedListener>>();
  /** The highest seq received of each watched project: a join after a reconnect sends it. */
  private readonly seen = new Map<string, number>();
  private socket: LiveSocket | null = null;
  private readonly statusSignal = signal<ConnectionStatus>('idle');
  private readonly refusalSignal = signal<CommandError | null>(null);

  readonly status = this.statusSignal.asReadonly();
  /** Why the server refused the connection, while status is 'refused'. */
  readonly refusal = this.refusalSignal.asReadonly();

  /** Follows a project until the returned function is called. */
  watch(projectId: string, listener: ProjectFeedListener): () => void {
    let listeners = this.feeds.get(projectId);
    if (!listeners) {
      listeners = new Set();
      this.feeds.set(projectId, listeners);
    }
    listeners.add(listener);
    const socket = this.openSocket();
    if (socket.connected && listeners.size === 1) {
      this.join(socket, projectId);
    } else if (socket.connected) {
      // Another watcher joined already; a fresh snapshot brings this one up to date.
      socket.emit('get_state', { projectId });
    }
    return () => this.unwatch(projectId, listener);
  }

  /** Asks for a fresh snapshot, e.g. after the events skipped a number. */
  refresh(projectId: string): void {
    if (this.socket?.connected && this.feeds.has(projectId)) {
      this.socket.emit('get_state', { projectId });
    }
  }

  /** Sends a command and resolves with its acknowledgement, or a client-side error. */
  async command<K extends ProjectCommand>(
    name: K,
    payload: LiveCommandPayloads[K],
  ): Promise<CommandAck> {
    const socket = this.socket;
    if (!socket?.connected) {
      // socket.io would buffer it until the next connection; a user should hear now instead.
      return failure(
        ErrorCode.NotConnected,
        'Not connected to Forge. Wait for the connection to come back, then try again.',
      );
    }
    try {
      return await sendCommand(socket, name, payload);
    } catch {
      return failure(
        ErrorCode.NoAnswer,
        `Forge did not answer within ${COMMAND_TIMEOUT_MS / 1000} s (COMMAND_TIMEOUT_MS). Try again.`,
      );
    }
  }

  private unwatch(projectId: string, listener: ProjectFeedListener): void {
    const listeners = this.feeds.get(projectId);
    if (!listeners?.delete(listener) || listeners.size > 0) {
      return;
    }
    this.feeds.delete(projectId);
    this.seen.delete(projectId);
    if (this.socket?.connected) {
      this.socket.emit('leave', { projectId });
    }
    if (this.feeds.size === 0) {
      this.closeSocket();
    }
  }

  private openSocket(): LiveSocket {
    if (this.socket) {
      return this.socket;
    }
    const origin = this.baseUrl || this.document.location.origin;
    const socket: LiveSocket = io(origin, {
      path: SOCKET_PATH,
      withCredentials: true,
      ...this.options,
    });
    this.statusSignal.set('connecting');
    this.refusalSignal.set(null);
    socket.on('connect', () => {
      this.statusSignal.set('connected');
      this.refusalSignal.set(null);
      // A new connection has joined nothing: join every watched project, each answered by a snapshot.
      for (const projectId of this.feeds.keys()) {
        this.join(socket, projectId);
      }
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') {
        return;
      }
      this.statusSignal.set('reconnecting');
      // The server closed this connection itself; socket.io-client only retries lost ones.
      if (reason === 'io server disconnect') {
        socket.connect();
      }
    });
    socket.on('connect_error', (error) => {
      if (socket.active) {
        // A network failure: socket.io-client retries with backoff.
        this.statusSignal.update((status) => (status === 'connected' ? 'reconnecting' : status));
        return;
      }
      this.refusalSignal.set(handshakeRefusal(error));
      this.statusSignal.set('refused');
    });
    socket.on('snapshot', (snapshot) => {
      this.see(snapshot.projectId, snapshot.seq);
      this.listenersOf(snapshot.projectId, (l) => l.snapshot(snapshot));
    });
    socket.on('error', (payload) => {
      if (isCommandError(payload)) {
        // Commands with an acknowledgement get the same refusal there, where it is shown.
        return;
      }
      this.see(payload.projectId, payload.seq);
      this.listenersOf(payload.projectId, (listener) => listener.event(payload));
    });
    for (const type of AGENT_EVENT_TYPES) {
      const deliver = (event: ServerEvent) => {
        this.see(event.projectId, event.seq);
        this.listenersOf(event.projectId, (listener) => listener.event(event));
      };
      listen(socket, type, deliver);
    }
    this.socket = socket;
    return socket;
  }

  private closeSocket(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.statusSignal.set('idle');
    this.refusalSignal.set(null);
  }

  /** Notes a seq received of a watched project. */
  private see(projectId: unknown, seq: unknown): void {
    if (typeof projectId !== 'string' || typeof seq !== 'number' || !this.feeds.has(projectId)) {
      return;
    }
    this.seen.set(projectId, Math.max(this.seen.get(projectId) ?? 0, seq));
  }

  /** Joins; after a reconnect, with the last seq seen, so the events missed meanwhile come too. */
  private join(socket: LiveSocket, projectId: string): void {
    const since = this.seen.get(projectId);
    void sendCommand(
      socket,
      'join',
      since === undefined ? { projectId } : { projectId, since },
    ).then(
      (ack) => {
        if (!ack.ok) {
          this.listenersOf(projectId, (listener) => listener.refused(ack.error));
        }
      },
      // No answer: the connection most likely dropped, and the next 'connect' joins again.
      () => undefined,
    );
  }

  private listenersOf(projectId: unknown, call: (listener: ProjectFeedListener) => void): void {
    if (typeof projectId !== 'string') {
      return;
    }
    for (const listener of this.feeds.get(projectId) ?? []) {
      call(listener);
    }
  }
}

function failure(code: ErrorCode, message: string): CommandAck {
  return { ok: false, error: { code, message } };
}

/** Refusals that mean the session is gone: the page sends the user to sign in. */
export function isSignedOutRefusal(error: CommandError | null): boolean {
  return error?.code === ErrorCode.Unauthenticated;
}
