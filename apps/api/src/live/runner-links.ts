import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import {
  RUNNER_LINK_PATH,
  RUNNER_LINK_WATCH_BATCH_MAX,
  type RunnerLinkCommandName,
  type RunnerLinkCommandPayloads,
  type RunnerLinkCommands,
  type RunnerLinkEvents,
  type RunnerLinkReply,
  parseRunnerEventBatch,
  parseRunnerLinkReply,
  type ServerEvent,
} from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LiveError } from './live.error';

export interface RunnerLink {
  url: string;
  /** Known once the runner answered hello; null while the link is down. */
  runnerId: string | null;
  socket: Socket<RunnerLinkEvents, RunnerLinkCommands>;
  /** Our own tries to link again since the last hello, for the back-off. */
  retries: number;
  retry: NodeJS.Timeout | null;
}

/**
 * This API's links to every runner in RUNNER_URLS (socket.io-client, websocket only, the
 * service token in the handshake). Runners are found from configuration: a fixed list, e.g.
 * the pods of a StatefulSet, which keeps discovery out of the database.
 */
@Injectable()
export class RunnerLinks implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RunnerLinks.name);
  private readonly links: RunnerLink[] = [];
  private closing = false;
  private eventHandler: (event: ServerEvent) => void = () => undefined;
  private upHandler: (link: RunnerLink) => void = () => undefined;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** Every event any runner sends (several runners may send one project's, around takeover). */
  onEvent(handler: (event: ServerEvent) => void): void {
    this.eventHandler = handler;
  }

  /** A link came up (first time or again): events may have been missed meanwhile. */
  onLinkUp(handler: (link: RunnerLink) => void): void {
    this.upHandler = handler;
  }

  onModuleInit(): void {
    if (!this.config.RUNNER_SERVICE_TOKEN) {
      if (this.config.NODE_ENV !== 'test') {
        this.logger.warn('RUNNER_SERVICE_TOKEN is not set: no generation can run.');
      }
      return;
    }
    for (const url of this.config.RUNNER_URLS) {
      this.links.push(this.open(url));
    }
  }

  /** Sockets closing with the app need not tell the runners they stop watching. */
  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  onApplicationShutdown(): void {
    this.closing = true;
    for (const link of this.links) {
      if (link.retry) {
        clearTimeout(link.retry);
      }
      link.socket.disconnect();
    }
  }

  /** Links whose runner has said who it is. */
  up(): RunnerLink[] {
    return this.links.filter((link) => link.runnerId !== null && link.socket.connected);
  }

  byRunnerId(runnerId: string): RunnerLink | undefined {
    return this.up().find((link) => link.runnerId === runnerId);
  }

  /** One command and its answer; a runner that does not answer in time is an error. */
  async request<K extends RunnerLinkCommandName>(
    link: RunnerLink,
    name: K,
    payload: RunnerLinkCommandPayloads[K],
    timeout = { ms: this.config.RUNNER_COMMAND_TIMEOUT_MS, setting: 'RUNNER_COMMAND_TIMEOUT_MS' },
  ): Promise<RunnerLinkReply<K>> {
    const timeoutMs = timeout.ms;
    // Not queued for a later reconnect: a command sent minutes late would surprise the user.
    if (!link.socket.connected) {
      throw LiveError.runnerUnavailable();
    }
    // Socket.IO's typed emitWithAck cannot follow a name that is a type parameter; what
    // comes back is checked against the command's schema below anyway.
    const timed: { emitWithAck(name: string, payload: unknown): Promise<unknown> } =
      link.socket.timeout(timeoutMs);
    let reply: unknown;
    try {
      reply = await timed.emitWithAck(name, payload);
    } catch {
      throw link.socket.connected
        ? LiveError.runnerTimeout(timeoutMs, timeout.setting)
        : LiveError.runnerLost();
    }
    const parsed = parseRunnerLinkReply(name, reply);
    if (!parsed.ok) {
      throw new Error(
        `runner at ${link.url} answered ${name} with an unexpected shape: ${parsed.problem}`,
      );
    }
    return parsed.value;
  }

  /** Asks runners (all up ones by default) to send these projects' events. */
  watch(projectIds: string[], links = this.up()): void {
    this.tell('watch', projectIds, links);
  }

  unwatch(projectIds: string[]): void {
    this.tell('unwatch', projectIds, this.up());
  }

  /**
   * A failed watch is logged: that runner's events for these projects will not come until
   * the link is up again (which resyncs). A failed unwatch is not: a runner forgets an API's
   * rooms when its link closes.
   */
  private tell(name: 'watch' | 'unwatch', projectIds: string[], links: RunnerLink[]): void {
    if (this.closing) {
      return;
    }
    const report = (link: RunnerLink, message: string) => {
      if (name === 'watch') {
        this.logger.warn(`watch on ${link.url}: ${message}`);
      }
    };
    for (let start = 0; start < projectIds.length; start += RUNNER_LINK_WATCH_BATCH_MAX) {
      const batch = projectIds.slice(start, start + RUNNER_LINK_WATCH_BATCH_MAX);
      for (const link of links) {
        this.request(link, name, { projectIds: batch }).then(
          (reply) => {
            if (!reply.ok) {
              report(link, reply.error.message);
            }
          },
          (error: Error) => report(link, error.message),
        );
      }
    }
  }

  private open(url: string): RunnerLink {
    const socket: RunnerLink['socket'] = io(url, {
      path: RUNNER_LINK_PATH,
      transports: ['websocket'],
      auth: { token: this.config.RUNNER_SERVICE_TOKEN },
      reconnectionDelay: this.config.RUNNER_LINK_RECONNECT_DELAY_MS,
      reconnectionDelayMax: this.config.RUNNER_LINK_RECONNECT_DELAY_MAX_MS,
    });
    const link: RunnerLink = { url, runnerId: null, socket, retries: 0, retry: null };
    let failing = false;
    socket.on('connect', () => {
      failing = false;
      void this.greet(link);
    });
    socket.on('disconnect', (reason) => {
      link.runnerId = null;
      if (this.closing) {
        return;
      }
      this.logger.warn(`link to ${url} lost (${reason}); reconnecting`);
      // The client reconnects by itself after a transport failure, not after a disconnect
      // the runner sent (its graceful shutdown) or our own (a failed hello).
      if (!socket.active) {
        this.reconnectLater(link);
      }
    });
    socket.on('connect_error', (error) => {
      // Once per outage: the client retries every couple of seconds.
      if (!failing) {
        this.logger.warn(`cannot link to ${url}: ${error.message}`);
      }
      failing = true;
    });
    // Checked before anything reads it: a bad event is logged and dropped, the rest go on.
    socket.on('events', (batch: unknown) => {
      const { events, problems } = parseRunnerEventBatch(batch);
      if (problems.length > 0) {
        this.refused(link, problems);
      }
      for (const event of events) {
        this.eventHandler(event);
      }
    });
    return link;
  }

  /** One line per batch, however many of its events were bad (a broken runner sends many). */
  private refused(link: RunnerLink, problems: string[]): void {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    this.logger.warn(`dropped an invalid event from ${link.url}: ${problems[0]}${more}`);
  }

  private async greet(link: RunnerLink): Promise<void> {
    try {
      const reply = await this.request(link, 'hello', {});
      if (!reply.ok) {
        throw new Error(reply.error.message);
      }
      link.runnerId = reply.runnerId;
      link.retries = 0;
      this.logger.log(`linked to runner ${reply.runnerId} at ${link.url}`);
      this.upHandler(link);
    } catch (error) {
      this.logger.warn(`hello to ${link.url} failed: ${(error as Error).message}`);
      link.socket.disconnect();
    }
  }

  /** Opens the link again after a pause that doubles with each try, up to the configured cap. */
  private reconnectLater(link: RunnerLink): void {
    if (link.retry) {
      return;
    }
    const base = this.config.RUNNER_LINK_RECONNECT_DELAY_MS;
    const cap = this.config.RUNNER_LINK_RECONNECT_DELAY_MAX_MS;
    const delay = Math.min(cap, base * 2 ** Math.min(link.retries, 16));
    link.retries++;
    link.retry = setTimeout(() => {
      link.retry = null;
      if (!this.closing && !link.socket.active) {
        link.socket.connect();
      }
    }, delay);
  }
}
