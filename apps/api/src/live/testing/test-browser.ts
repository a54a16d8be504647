import { io, type Socket } from 'socket.io-client';
import {
  applyEvent,
  type CommandAck,
  type CommandError,
  type LiveCommandName,
  type ProjectSnapshot,
  type ProjectView,
  type ServerEvent,
  viewFromSnapshot,
} from '@forge/protocol';
import { eventually } from './live-stack';

export interface BrowserAuth {
  /** The Cookie header a signed-in browser sends. */
  cookie?: string;
  /** The session cookie's value, as a client without cookies passes it. */
  token?: string;
  origin?: string;
}

/**
 * A browser tab as the web app will behave: socket.io-client over the real network, joins its
 * projects again after every reconnect, and folds snapshots and events into ProjectViews.
 */
export class TestBrowser {
  /** Every agent event received, in arrival order. */
  readonly events: ServerEvent[] = [];
  readonly snapshots: ProjectSnapshot[] = [];
  readonly errors: CommandError[] = [];
  readonly views = new Map<string, ProjectView>();
  private readonly projects = new Set<string>();

  private constructor(
    readonly socket: Socket,
    resume: boolean,
  ) {
    socket.on('snapshot', (snapshot: ProjectSnapshot) => {
      this.snapshots.push(snapshot);
      this.views.set(
        snapshot.projectId,
        viewFromSnapshot(snapshot, this.views.get(snapshot.projectId)),
      );
    });
    socket.onAny((name: string, payload: unknown) => {
      if (name === 'snapshot') {
        return;
      }
      if (name === 'error' && !(payload as { seq?: number }).seq) {
        this.errors.push(payload as CommandError);
        return;
      }
      const event = payload as ServerEvent;
      this.events.push(event);
      const view = this.views.get(event.projectId);
      if (view) {
        this.views.set(event.projectId, applyEvent(view, event));
      }
    });
    socket.on('connect', () => {
      for (const projectId of this.projects) {
        const seen = this.views.get(projectId)?.seq;
        socket.emit('join', resume && seen ? { projectId, since: seen } : { projectId });
      }
    });
    // Like the web client: a server that closed the connection itself (shutting down) is
    // tried again, which socket.io-client does only for lost connections.
    socket.on('disconnect', (reason) => {
      if (resume && reason === 'io server disconnect') {
        socket.connect();
      }
    });
  }

  /**
   * `resume`: like the web client, reconnects after the server closed the connection, and a
   * join after a reconnect says the last seq seen.
   */
  static connect(
    url: string,
    auth: BrowserAuth,
    options: { reconnection?: boolean; resume?: boolean } = {},
  ) {
    const socket = io(url, {
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      reconnection: options.reconnection ?? true,
      extraHeaders: {
        ...(auth.cookie ? { cookie: auth.cookie } : {}),
        ...(auth.origin ? { origin: auth.origin } : {}),
      },
      auth: auth.token ? { token: auth.token } : {},
    });
    return new Promise<TestBrowser>((resolve, reject) => {
      const browser = new TestBrowser(socket, options.resume ?? false);
      const refused = (error: Error & { data?: unknown }) => {
        socket.close();
        reject(error);
      };
      // Only the first connection: a failed reconnect later is retried by socket.io-client.
      socket.once('connect', () => {
        socket.off('connect_error', refused);
        resolve(browser);
      });
      socket.once('connect_error', refused);
    });
  }

  async command(name: LiveCommandName | string, payload: unknown): Promise<CommandAck> {
    return (await this.socket.timeout(20_000).emitWithAck(name, payload)) as CommandAck;
  }

  /** Joins and remembers the project (joined again after a reconnect). */
  async join(projectId: string): Promise<CommandAck> {
    const ack = await this.command('join', { projectId });
    if (ack.ok) {
      this.projects.add(projectId);
    }
    return ack;
  }

  eventsOf(projectId: string): ServerEvent[] {
    return this.events.filter((event) => event.projectId === projectId);
  }

  waitForEvent(
    projectId: string,
    type: ServerEvent['type'],
    timeoutMs = 60_000,
  ): Promise<ServerEvent> {
    return eventually(
      () => this.eventsOf(projectId).find((event) => event.type === type),
      `${type} on ${projectId}`,
      timeoutMs,
    );
  }

  close(): void {
    this.socket.close();
  }
}
