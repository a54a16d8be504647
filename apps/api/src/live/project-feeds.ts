import { Injectable, type OnModuleInit } from '@nestjs/common';
import { projectRoom, type ServerEvent } from '@forge/protocol';
import { type LiveServer, type LiveSocket, sendLive, sendServerEvent } from './live-socket';
import { RunnerLinks } from './runner-links';
import { RunnerRouter, type SnapshotWithMissed } from './runner-router';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A socket waiting for a snapshot; `since`: the last seq it saw, when it comes back. */
interface SocketWait {
  waiters: Waiter[];
  since: number | undefined;
}

/** Sockets waiting for one snapshot, and the events that arrived meanwhile. */
interface SnapshotWait {
  sockets: Map<LiveSocket, SocketWait>;
  buffer: ServerEvent[];
  epoch: number;
  /** The `since` the snapshot was asked with: events after it come with the answer. */
  since: number | undefined;
}

/** The earlier of two seqs a client saw; undefined (nothing to replay) yields to a number. */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) {
    return b;
  }
  return b === undefined ? a : Math.min(a, b);
}

/** One project's sockets on this replica. */
interface ProjectFeed {
  projectId: string;
  room: string;
  /** Highest seq delivered: anything at or below it is a repeat and is dropped. */
  lastSeq: number;
  members: Set<LiveSocket>;
  wait: SnapshotWait | null;
  /** Counts link outages: a snapshot asked for before the last one may miss events. */
  epoch: number;
}

/**
 * Delivers runner events to this replica's sockets, each once and in seq order, and brings a
 * socket in with a snapshot without a gap: the socket waits outside the room while the runner
 * answers, the events arriving meanwhile are kept, and it gets the snapshot, then the kept
 * events past the snapshot's seq, then joins the room, all in one turn of the event loop.
 * Every replica receives its projects' events straight from the runner, so they go to local
 * sockets only (server.local): through the Redis adapter each would arrive once per replica.
 */
@Injectable()
export class ProjectFeeds implements OnModuleInit {
  private server?: LiveServer;
  private readonly feeds = new Map<string, ProjectFeed>();

  constructor(
    private readonly links: RunnerLinks,
    private readonly router: RunnerRouter,
  ) {}

  onModuleInit(): void {
    this.links.onEvent((event) => this.deliver(event));
    this.links.onLinkUp((link) => {
      // Events sent while the link was down are lost: every open project starts over.
      const projectIds = [...this.feeds.keys()];
      if (projectIds.length > 0) {
        this.links.watch(projectIds, [link]);
      }
      for (const feed of this.feeds.values()) {
        this.resync(feed, [...feed.members]);
      }
    });
  }

  attach(server: LiveServer): void {
    this.server = server;
  }

  /**
   * Adds the socket to the project (or refreshes it); resolves once its snapshot went out.
   * `since`: the last seq the client saw; the kept events after it go out before the snapshot.
   */
  join(socket: LiveSocket, projectId: string, since?: number): Promise<void> {
    let feed = this.feeds.get(projectId);
    if (!feed) {
      feed = {
        projectId,
        room: projectRoom(projectId),
        lastSeq: 0,
        members: new Set(),
        wait: null,
        epoch: 0,
      };
      this.feeds.set(projectId, feed);
      this.links.watch([projectId]);
    }
    feed.members.add(socket);
    return this.wait(feed, socket, since);
  }

  leave(socket: LiveSocket, projectId: string): void {
    const feed = this.feeds.get(projectId);
    if (!feed) {
      return;
    }
    feed.members.delete(socket);
    for (const waiter of feed.wait?.sockets.get(socket)?.waiters ?? []) {
      waiter.resolve();
    }
    feed.wait?.sockets.delete(socket);
    void socket.leave(feed.room);
    if (feed.members.size > 0) {
      return;
    }
    this.feeds.delete(projectId);
    this.links.unwatch([projectId]);
  }

  /** The sockets on this replica that joined the project. */
  members(projectId: string): LiveSocket[] {
    return [...(this.feeds.get(projectId)?.members ?? [])];
  }

  /** Projects with sockets on this replica (for tests and metrics). */
  get openProjects(): number {
    return this.feeds.size;
  }

  private deliver(event: ServerEvent): void {
    const feed = this.feeds.get(event.projectId);
    if (!feed || event.seq <= feed.lastSeq) {
      return;
    }
    feed.lastSeq = event.seq;
    if (this.server) {
      sendServerEvent(this.server.local.to(feed.room), event);
    }
    feed.wait?.buffer.push(event);
  }

  /** Every socket here had the events up to lastSeq: what the outage hid is replayed. */
  private resync(feed: ProjectFeed, sockets: LiveSocket[]): void {
    feed.epoch++;
    for (const socket of sockets) {
      void this.wait(feed, socket, feed.lastSeq).catch(() => undefined);
    }
  }

  private wait(feed: ProjectFeed, socket: LiveSocket, since: number | undefined): Promise<void> {
    void socket.leave(feed.room);
    return new Promise<void>((resolve, reject) => {
      const wait = this.currentWait(feed, since);
      const entry = wait.sockets.get(socket);
      if (entry) {
        entry.waiters.push({ resolve, reject });
        entry.since = earlier(entry.since, since);
      } else {
        wait.sockets.set(socket, { waiters: [{ resolve, reject }], since });
      }
    });
  }

  /**
   * The snapshot on its way, which also covers a socket joining while it travels (its seq is
   * taken after the request left, and the kept events start before); a new one when there is
   * none, when a link outage since may have lost events it would not show, or when it was
   * asked for fewer missed events than this socket needs.
   */
  private currentWait(feed: ProjectFeed, since: number | undefined): SnapshotWait {
    const current = feed.wait;
    const replayCovered =
      since === undefined || (current?.since !== undefined && current.since <= since);
    if (current && current.epoch === feed.epoch && replayCovered) {
      return current;
    }
    // Sockets of an overtaken wait move over; its answer will be ignored.
    const sockets = new Map(
      [...(current?.sockets ?? [])].map(([socket, entry]) => [socket, { ...entry }]),
    );
    const wait: SnapshotWait = {
      sockets,
      buffer: [],
      epoch: feed.epoch,
      since: [...sockets.values()].reduce((low, entry) => earlier(low, entry.since), since),
    };
    feed.wait = wait;
    this.router.snapshot(feed.projectId, wait.since).then(
      (answer) => this.flush(feed, wait, answer),
      (error: unknown) => this.fail(feed, wait, error),
    );
    return wait;
  }

  private flush(feed: ProjectFeed, wait: SnapshotWait, answer: SnapshotWithMissed): void {
    if (feed.wait !== wait) {
      return;
    }
    const { snapshot, missed } = answer;
    feed.wait = null;
    feed.lastSeq = Math.max(feed.lastSeq, snapshot.seq);
    const later = wait.buffer.filter((event) => event.seq > snapshot.seq);
    for (const [socket, { waiters, since }] of wait.sockets) {
      if (feed.members.has(socket) && socket.connected) {
        // Before the snapshot, so that the socket's events keep growing in seq.
        if (since !== undefined) {
          for (const event of missed) {
            if (event.seq > since) {
              sendServerEvent(socket, event);
            }
          }
        }
        sendLive(socket, 'snapshot', snapshot);
        for (const event of later) {
          sendServerEvent(socket, event);
        }
        void socket.join(feed.room);
      }
      for (const waiter of waiters) {
        waiter.resolve();
      }
    }
  }

  /** No snapshot: the sockets still get live events, and one on the next link-up. */
  private fail(feed: ProjectFeed, wait: SnapshotWait, error: unknown): void {
    if (feed.wait !== wait) {
      return;
    }
    feed.wait = null;
    for (const [socket, { waiters }] of wait.sockets) {
      if (feed.members.has(socket)) {
        void socket.join(feed.room);
      }
      for (const waiter of waiters) {
        waiter.reject(error);
      }
    }
  }
}
