import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type Server as HttpServer } from 'node:http';
import { type BroadcastOperator, Server, type Socket } from 'socket.io';
import {
  describeIssues,
  projectRoom,
  RUNNER_LINK_COMMAND_SCHEMAS,
  ErrorCode,
  RUNNER_LINK_MESSAGE_MAX_BYTES,
  RUNNER_LINK_PATH,
  type RunnerLinkCommandName,
  type RunnerLinkCommandPayloads,
  type RunnerLinkCommands,
  type RunnerLinkEventMap,
  type RunnerLinkEventName,
  type RunnerLinkEvents,
  type RunnerLinkReply,
  type ServerEvent,
} from '@forge/protocol';
import { AgentCommandError } from '../agent/agent-command-error';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { checkServiceToken, isFromBrowser } from './link-auth';
import { LinkCommands } from './link-commands';
import { PublishedAppServers } from './published-app-servers';
import { SnapshotBuilder } from './snapshot-builder';

type LinkServerIo = Server<RunnerLinkCommands, RunnerLinkEvents>;
type LinkSocket = Socket<RunnerLinkCommands, RunnerLinkEvents>;
type LinkTarget = LinkSocket | BroadcastOperator<RunnerLinkEvents, unknown>;

/**
 * The one way the runner sends to APIs: a message of RunnerLinkEventMap with what it carries.
 * Socket.IO's typed emit cannot follow a name that is a type parameter, hence the plain
 * signature, here only.
 */
function sendToApi<K extends RunnerLinkEventName>(
  target: LinkTarget | undefined,
  name: K,
  payload: RunnerLinkEventMap[K],
): void {
  const emitter: { emit(name: string, payload: unknown): boolean } | undefined = target;
  emitter?.emit(name, payload);
}

type Results = { [K in RunnerLinkCommandName]: Extract<RunnerLinkReply<K>, { ok: true }> };

/**
 * The runner's end of the API link: Socket.IO on the runner's own port under /link, for APIs
 * holding RUNNER_SERVICE_TOKEN. An API watches the projects its browsers have open and gets
 * their events as the hub numbers them; it sends generate/cancel to the runner that holds
 * (or may take) the project's lease, and asks it for snapshots.
 */
@Injectable()
export class LinkServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LinkServer.name);
  private io?: LinkServerIo;
  private unsubscribe?: () => void;
  /** Events waiting for the end of this turn, by API socket id. */
  private readonly outbox = new Map<string, ServerEvent[]>();
  /** Every event relayed this turn: a socket whose batch is as long got all of them. */
  private turn: ServerEvent[] = [];
  private flushScheduled = false;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: EventHub,
    private readonly snapshots: SnapshotBuilder,
    private readonly commands: LinkCommands,
    private readonly appServers: PublishedAppServers,
  ) {}

  onApplicationBootstrap(): void {
    const httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    const io: LinkServerIo = new Server(httpServer, {
      path: RUNNER_LINK_PATH,
      transports: ['websocket'],
      serveClient: false,
      maxHttpBufferSize: RUNNER_LINK_MESSAGE_MAX_BYTES,
      allowRequest: (request, callback) => callback(null, !isFromBrowser(request)),
    });
    io.use((socket, next) => {
      const refused = checkServiceToken(
        this.config.RUNNER_SERVICE_TOKEN,
        (socket.handshake.auth as Record<string, unknown>).token,
      );
      next(refused ?? undefined);
    });
    io.on('connection', (socket) => this.accept(socket));
    this.io = io;
    this.unsubscribe = this.hub.subscribe((event) => this.relay(event));
    if (!this.config.RUNNER_SERVICE_TOKEN && this.config.NODE_ENV !== 'test') {
      this.logger.warn('RUNNER_SERVICE_TOKEN is not set: no API can open the link.');
    }
  }

  /** Closes the link before Nest closes the HTTP server, which would otherwise wait for it. */
  beforeApplicationShutdown(): void {
    this.unsubscribe?.();
    this.flush();
    this.io?.disconnectSockets(true);
    this.io?.engine.close();
  }

  private relay(event: ServerEvent): void {
    // Called inside the hub's emit: a throw here would fail the agent's step.
    try {
      this.snapshots.track(event);
      this.commands.observe(event.projectId);
      const watchers = this.io?.sockets.adapter.rooms.get(projectRoom(event.projectId));
      if (!watchers) {
        return;
      }
      this.turn.push(event);
      for (const socketId of watchers) {
        const batch = this.outbox.get(socketId);
        if (batch) {
          batch.push(event);
        } else {
          this.outbox.set(socketId, [event]);
        }
      }
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    } catch (error) {
      this.logger.error(`relaying ${event.type} of ${event.projectId}: ${String(error)}`);
    }
  }

  /**
   * Sends what waits for every API (or one), one frame each. APIs that watch the same
   * projects (often all of them) get the same batch: it is encoded once, as a broadcast to
   * their sockets' own rooms.
   */
  private flush(socketId?: string): void {
    const io = this.io;
    if (socketId !== undefined) {
      const batch = this.outbox.get(socketId);
      this.outbox.delete(socketId);
      if (batch) {
        sendToApi(io?.sockets.sockets.get(socketId), 'events', batch);
      }
      return;
    }
    this.flushScheduled = false;
    const everything: string[] = [];
    for (const [id, batch] of this.outbox) {
      if (batch.length === this.turn.length) {
        everything.push(id);
      } else {
        sendToApi(io?.sockets.sockets.get(id), 'events', batch);
      }
    }
    if (everything.length === 1) {
      sendToApi(io?.sockets.sockets.get(everything[0]!), 'events', this.turn);
    } else if (everything.length > 1) {
      sendToApi(io?.to(everything), 'events', this.turn);
    }
    this.outbox.clear();
    this.turn = [];
  }

  private accept(socket: LinkSocket): void {
    for (const name of Object.keys(RUNNER_LINK_COMMAND_SCHEMAS) as RunnerLinkCommandName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') {
          return;
        }
        void this.answer(socket, name, payload).then((reply) => {
          // Events emitted before the answer go first (a snapshot's seq counts on it).
          this.flush(socket.id);
          ack(reply);
        });
      });
    }
    socket.onAny((name: string) => {
      if (!Object.prototype.hasOwnProperty.call(RUNNER_LINK_COMMAND_SCHEMAS, name)) {
        this.logger.warn(`unknown link command ${JSON.stringify(name).slice(0, 80)}`);
      }
    });
  }

  private async answer<K extends RunnerLinkCommandName>(
    socket: LinkSocket,
    name: K,
    payload: unknown,
  ): Promise<RunnerLinkReply<K>> {
    const parsed = RUNNER_LINK_COMMAND_SCHEMAS[name].safeParse(payload);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: ErrorCode.InvalidCommand,
          message: `${name}: ${describeIssues(parsed.error)}`,
        },
      };
    }
    try {
      return await this.run(socket, name, parsed.data as RunnerLinkCommandPayloads[K]);
    } catch (error) {
      if (error instanceof AgentCommandError) {
        return { ok: false, error: { code: error.code, message: error.message } };
      }
      this.logger.error(`link ${name}: ${(error as Error)?.stack ?? String(error)}`);
      return {
        ok: false,
        error: {
          code: ErrorCode.Internal,
          message: 'The runner failed on this command; it is logged.',
        },
      };
    }
  }

  private async run<K extends RunnerLinkCommandName>(
    socket: LinkSocket,
    name: K,
    payload: RunnerLinkCommandPayloads[K],
  ): Promise<Results[K]> {
    const handler = this.handlers[name] as (
      socket: LinkSocket,
      payload: RunnerLinkCommandPayloads[K],
    ) => Promise<Results[K]>;
    return handler(socket, payload);
  }

  private readonly handlers: {
    [K in RunnerLinkCommandName]: (
      socket: LinkSocket,
      payload: RunnerLinkCommandPayloads[K],
    ) => Promise<Results[K]>;
  } = {
    hello: async () => ({ ok: true, runnerId: this.config.RUNNER_ID }),
    watch: async (socket, { projectIds }) => {
      await socket.join(projectIds.map(projectRoom));
      return { ok: true };
    },
    unwatch: async (socket, { projectIds }) => {
      for (const projectId of projectIds) {
        await socket.leave(projectRoom(projectId));
      }
      return { ok: true };
    },
    snapshot: async (socket, { projectId, since }) => {
      // Joined before the seq is taken, so every later event reaches this API.
      await socket.join(projectRoom(projectId));
      const built = await this.snapshots.build(projectId, since);
      if (!built) {
        throw new AgentCommandError(ErrorCode.ProjectNotFound, 'No such project.');
      }
      return { ok: true, ...built, servedBy: this.config.RUNNER_ID };
    },
    preview: async (_socket, { projectId }) => ({
      ok: true,
      url: await this.commands.previewUrl(projectId),
    }),
    generate: async (_socket, { projectId, description, model }) => {
      await this.commands.generate(projectId, description, model);
      return { ok: true };
    },
    models: async () => ({ ok: true, list: await this.commands.models() }),
    cancel: async (_socket, { projectId }) => {
      await this.commands.cancel(projectId);
      return { ok: true };
    },
    save_file: async (_socket, { projectId, path, content }) => ({
      ok: true,
      version: await this.commands.saveFile(projectId, path, content),
    }),
    rollback: async (_socket, { projectId, version }) => ({
      ok: true,
      version: await this.commands.rollback(projectId, version),
    }),
    runtime_errors: async (_socket, { projectId, errors }) => {
      await this.commands.runtimeErrors(projectId, errors);
      return { ok: true };
    },
    publish_build: async (_socket, { projectId, version, ...limits }) => {
      const built = await this.commands.publishBuild(projectId, version, limits);
      return {
        ok: true,
        files: built.files.map((file) => ({
          path: file.path,
          content: file.content.toString('base64'),
        })),
        server: built.server?.toString('base64') ?? null,
      };
    },
    app_server: async (_socket, { projectId }) => ({
      ok: true,
      ...(await this.appServers.address(projectId)),
    }),
    app_server_stop: async (_socket, { projectId }) => {
      await this.appServers.stop(projectId);
      return { ok: true };
    },
    destroy: async (_socket, { projectId }) => {
      await this.commands.destroy(projectId);
      this.snapshots.forget(projectId);
      return { ok: true };
    },
  };
}
