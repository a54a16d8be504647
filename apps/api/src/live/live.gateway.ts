import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  type CommandAck,
  isLiveCommandName,
  LIVE_COMMAND_SCHEMAS,
  ErrorCode,
  type LiveCommandName,
  type LiveCommandPayloads,
  parseLiveCommand,
} from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectsService } from '../projects/projects.service';
import { GenerateRateLimiter } from './generate-rate-limiter';
import { LiveAuth } from './live-auth';
import { type LiveServer, type LiveSocket, sendLive } from './live-socket';
import { LiveError, toCommandError } from './live.error';
import { ProjectFeeds } from './project-feeds';
import { RunnerRouter } from './runner-router';
import { SocketProjects } from './socket-projects';

type Ack = (answer: CommandAck) => void;

/** Bytes of an engine.io message packet (text, or a binary attachment). */
function sizeOf(data: unknown): number {
  if (typeof data === 'string') {
    return Buffer.byteLength(data, 'utf8');
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return data.byteLength;
  }
  return 0;
}

/** The error a refused handshake carries to the client's connect_error. */
function handshakeError(error: unknown): Error {
  const { code, message } = toCommandError(error);
  return Object.assign(new Error(message), { data: { code, message } });
}

/**
 * The browsers' socket. A socket is authenticated once, at the handshake; it joins projects
 * its user owns (another user's project is PROJECT_NOT_FOUND, as over REST) and gets a
 * snapshot, then every later event. Every command is checked against its schema in
 * @forge/protocol; a bad, unknown or refused one gets an `error` event (and a failed
 * acknowledgement when the client asked for one), never a crash.
 */
@WebSocketGateway()
export class LiveGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy
{
  private readonly logger = new Logger(LiveGateway.name);
  private readonly joined = new WeakMap<LiveSocket, SocketProjects>();
  private sessionCheck?: NodeJS.Timeout;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly auth: LiveAuth,
    private readonly projects: ProjectsService,
    private readonly feeds: ProjectFeeds,
    private readonly router: RunnerRouter,
    private readonly limiter: GenerateRateLimiter,
  ) {}

  afterInit(server: LiveServer): void {
    server.use((socket, next) => {
      this.auth
        .authenticate({
          headers: socket.handshake.headers,
          auth: (socket.handshake.auth ?? {}) as Record<string, unknown>,
        })
        .then(
          (identity) => {
            socket.data.user = identity.user;
            socket.data.sessionId = identity.sessionId;
            socket.data.sessionExpiresAt = identity.sessionExpiresAt;
            next();
          },
          (error: unknown) => next(handshakeError(error)),
        );
    });
    this.feeds.attach(server);
    // A deleted project's sockets are told and leave it, on this replica and the others.
    this.projects.onRemoved((projectId) => {
      this.dropProject(projectId);
      // Only the Redis adapter reaches other replicas; the in-memory one has none to tell.
      if (this.config.REDIS_URL) {
        server.serverSideEmit('project_deleted', projectId);
      }
    });
    server.on('project_deleted', (projectId) => this.dropProject(projectId));
    this.sessionCheck = setInterval(
      () => void this.endStaleSessions(server),
      this.config.SOCKET_SESSION_CHECK_SECONDS * 1000,
    );
    this.sessionCheck.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sessionCheck);
  }

  /** Disconnects this replica's sockets whose session was signed out or has expired. */
  private async endStaleSessions(server: LiveServer): Promise<void> {
    const sockets = [...server.sockets.sockets.values()];
    try {
      const live = await this.auth.liveSessions([
        ...new Set(sockets.map((socket) => socket.data.sessionId)),
      ]);
      for (const socket of sockets) {
        if (!live.has(socket.data.sessionId)) {
          this.endSession(socket);
        }
      }
    } catch (error) {
      this.logger.warn(`checking the sockets' sessions failed: ${(error as Error).message}`);
    }
  }

  private endSession(socket: LiveSocket): void {
    this.refuse(socket, LiveError.sessionEnded());
    socket.disconnect(true);
  }

  private dropProject(projectId: string): void {
    for (const socket of this.feeds.members(projectId)) {
      this.joined.get(socket)?.leave(projectId);
      this.feeds.leave(socket, projectId);
      sendLive(socket, 'error', {
        code: ErrorCode.ProjectNotFound,
        message: 'This project was deleted.',
        projectId,
      });
    }
  }

  handleConnection(socket: LiveSocket): void {
    this.joined.set(socket, new SocketProjects());
    // The transport reads frames up to SOCKET_FRAME_MAX_BYTES; a message over the (smaller)
    // SOCKET_MESSAGE_MAX_BYTES is noted as its packet arrives, just before Socket.IO decodes
    // and hands it over, and refused there with an error instead of a closed connection.
    const max = this.config.SOCKET_MESSAGE_MAX_BYTES;
    let oversized = 0;
    socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message') {
        return;
      }
      const bytes = sizeOf(packet.data);
      if (bytes > max) {
        oversized = bytes;
      }
    });
    const tooLarge = (): LiveError | null => {
      if (!oversized) {
        return null;
      }
      const error = LiveError.messageTooLarge(oversized, max);
      oversized = 0;
      return error;
    };
    for (const name of Object.keys(LIVE_COMMAND_SCHEMAS) as LiveCommandName[]) {
      socket.on(name, (...args: unknown[]) => {
        if (Date.now() >= socket.data.sessionExpiresAt) {
          return this.endSession(socket);
        }
        const refused = tooLarge();
        if (refused) {
          this.refuse(socket, refused, ackOf(args), name);
        } else {
          void this.dispatch(socket, name, args);
        }
      });
    }
    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (typeof name === 'string' && isLiveCommandName(name)) {
        return;
      }
      this.refuse(socket, tooLarge() ?? LiveError.unknownCommand(String(name)), ackOf(args));
    });
  }

  handleDisconnect(socket: LiveSocket): void {
    for (const projectId of this.joined.get(socket)?.ids() ?? []) {
      this.feeds.leave(socket, projectId);
    }
    this.joined.delete(socket);
  }

  private async dispatch(socket: LiveSocket, name: LiveCommandName, args: unknown[]) {
    const ack = ackOf(args);
    const values = ack ? args.slice(0, -1) : args;
    // Socket.IO passes each argument apart; a command has exactly one, its payload.
    const parsed = parseLiveCommand(name, values.length === 1 ? values[0] : values);
    if (!parsed.ok) {
      return this.refuse(socket, LiveError.invalid(name, parsed.problem), ack, name);
    }
    try {
      await this.authorize(socket, name, parsed.value.projectId);
      await this.run(socket, name, parsed.value);
      ack?.({ ok: true });
    } catch (error) {
      this.refuse(socket, error, ack, name, parsed.value.projectId);
    }
  }

  private run<K extends LiveCommandName>(
    socket: LiveSocket,
    name: K,
    payload: LiveCommandPayloads[K],
  ): Promise<void> {
    const handler = this.handlers[name] as (
      socket: LiveSocket,
      payload: LiveCommandPayloads[K],
    ) => Promise<void>;
    return handler(socket, payload);
  }

  private readonly handlers: {
    [K in LiveCommandName]: (socket: LiveSocket, payload: LiveCommandPayloads[K]) => Promise<void>;
  } = {
    join: (socket, { projectId, since }) => this.subscribe(socket, projectId, since),
    get_state: (socket, { projectId, since }) => this.subscribe(socket, projectId, since),
    leave: async (socket, { projectId }) => {
      this.feeds.leave(socket, projectId);
      this.joined.get(socket)?.leave(projectId);
    },
    generate: async (socket, { projectId, description, model }) => {
      const prompt = description.trim();
      if (!prompt) {
        throw LiveError.promptEmpty();
      }
      const max = this.config.GENERATE_PROMPT_MAX_CHARS;
      if (prompt.length > max) {
        throw LiveError.promptTooLong(prompt.length, max);
      }
      const verdict = await this.limiter.consume(socket.data.user.id);
      if (!verdict.allowed) {
        throw LiveError.rateLimited(
          this.config.GENERATE_RATE_LIMIT_MAX,
          this.config.GENERATE_RATE_LIMIT_WINDOW_SECONDS,
          verdict.retryAfterSeconds,
        );
      }
      await this.router.generate(projectId, prompt, model);
    },
    cancel: (_socket, { projectId }) => this.router.cancel(projectId),
    save_file: async (_socket, { projectId, path, content }) => {
      await this.router.saveFile(projectId, path, content);
    },
    rollback: async (_socket, { projectId, version }) => {
      await this.router.rollback(projectId, version);
    },
  };

  /**
   * The one place where a command's access to its project is decided, before any handler runs.
   * `join` and `get_state` record the ownership check as the socket's membership while it is
   * still pending; any other command waits for that verdict when there is one (so a command
   * pipelined behind a join for another user's project is refused with it) and is checked
   * afresh otherwise. `leave` needs no verdict: it only takes the socket out.
   */
  private async authorize(
    socket: LiveSocket,
    name: LiveCommandName,
    projectId: string,
  ): Promise<void> {
    const projects = this.joined.get(socket);
    if (!projects) {
      throw LiveError.sessionEnded();
    }
    if (name === 'leave') {
      return;
    }
    const check = () => this.projects.assertOwned(socket.data.user.id, projectId);
    if (name === 'join' || name === 'get_state') {
      const max = this.config.SOCKET_PROJECTS_MAX;
      if (!projects.verdict(projectId) && projects.size >= max) {
        throw LiveError.tooManyProjects(max);
      }
      return projects.join(projectId, check);
    }
    await (projects.verdict(projectId) ?? check());
  }

  /**
   * Sends the snapshot of a project the socket was just admitted to, then its events; `since`
   * (the last seq the client saw) brings the kept events after it first.
   */
  private async subscribe(socket: LiveSocket, projectId: string, since?: number): Promise<void> {
    // Left, dropped or disconnected while the verdict was awaited: nothing to subscribe to.
    // (A leave or a deletion after this point takes the socket out of the feed itself.)
    if (!this.joined.get(socket)?.verdict(projectId) || !socket.connected) {
      return;
    }
    await this.feeds.join(socket, projectId, since);
  }

  private refuse(
    socket: LiveSocket,
    error: unknown,
    ack?: Ack,
    command?: string,
    projectId?: string,
  ): void {
    const refusal = toCommandError(error, command, projectId);
    sendLive(socket, 'error', refusal);
    ack?.({ ok: false, error: refusal });
  }
}

function ackOf(args: unknown[]): Ack | undefined {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : undefined;
}
