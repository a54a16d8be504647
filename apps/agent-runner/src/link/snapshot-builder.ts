import { Inject, Injectable } from '@nestjs/common';
import { LeaseRepository, MessageRepository } from '@forge/db';
import {
  type ChatMessageView,
  nextChecking,
  nextStreaming,
  type ProblemItem,
  type ProblemSource,
  type ProjectSnapshot,
  type ServerEvent,
  SNAPSHOT_MESSAGES_MAX,
  type StreamingFile,
} from '@forge/protocol';
import { AgentStore } from '../agent/agent-store';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { EventReplay } from './event-replay';

export interface BuiltSnapshot {
  snapshot: ProjectSnapshot;
  /** Kept events after the `since` asked for, up to the snapshot's seq. */
  missed: ServerEvent[];
  /** The runner holding the project's lease now, if any. */
  leaseOwner: string | null;
}

/**
 * Snapshots for the link. The file being streamed is followed from the events themselves
 * (nextStreaming, the rule clients use), not read from the agent: the agent appends a chunk
 * before its event is numbered, so its copy can be ahead of the last seq and a client would
 * get that chunk twice. The rest comes from PostgreSQL, read after the seq is taken: the agent
 * writes before it emits, so the rows hold everything up to that seq (perhaps a little more,
 * which the following events repeat harmlessly: they set, they do not add).
 */
@Injectable()
export class SnapshotBuilder {
  private readonly streaming = new Map<string, StreamingFile>();
  /** The latest `problems` of each source, per project: a tab that joins shows them at once. */
  private readonly problems = new Map<string, Record<ProblemSource, ProblemItem[]>>();
  /** The phase whose checks run, per project (nextChecking, as clients follow it). */
  private readonly checking = new Map<string, number>();
  private readonly replay: EventReplay;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly messages: MessageRepository,
    private readonly leases: LeaseRepository,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
  ) {
    this.replay = new EventReplay(config.LINK_REPLAY_EVENTS_MAX, config.LINK_REPLAY_PROJECTS_MAX);
  }

  /** Follows one event; called for every event, synchronously, as the hub numbers it. */
  track(event: ServerEvent): void {
    this.replay.keep(event);
    if (event.type === 'problems') {
      const known = this.problems.get(event.projectId) ?? { checks: [], browser: [] };
      this.problems.set(event.projectId, { ...known, [event.source]: event.problems });
    }
    const checking = nextChecking(this.checking.get(event.projectId) ?? null, event);
    if (checking === null) {
      this.checking.delete(event.projectId);
    } else {
      this.checking.set(event.projectId, checking);
    }
    const current = this.streaming.get(event.projectId) ?? null;
    const next = nextStreaming(current, event);
    if (next === current) {
      return;
    }
    if (next) {
      this.streaming.set(event.projectId, next);
    } else {
      this.streaming.delete(event.projectId);
    }
  }

  /** Drops what is followed of a deleted project. */
  forget(projectId: string): void {
    this.streaming.delete(projectId);
    this.problems.delete(projectId);
    this.checking.delete(projectId);
    this.replay.forget(projectId);
  }

  /** Null when the project does not exist; `since`: the last seq the asking client saw. */
  async build(projectId: string, since?: number, retried = false): Promise<BuiltSnapshot | null> {
    // Taken before any await: nothing numbered after this is in `streaming`.
    const seq = this.hub.lastSeq(projectId);
    const streaming = this.streaming.get(projectId) ?? null;
    const problems = this.problems.get(projectId);
    const checking = this.checking.get(projectId) ?? null;
    const [row, files, version, messages, leaseOwner] = await Promise.all([
      this.store.load(projectId),
      this.store.files(projectId),
      this.store.latestVersion(projectId),
      this.recentMessages(projectId),
      this.leases.owner(projectId),
    ]);
    if (!row) {
      return null;
    }
    // Numbering began while we read: the row's last_seq may now be past events we did not see.
    if (seq === undefined && this.hub.lastSeq(projectId) !== undefined && !retried) {
      return this.build(projectId, since, true);
    }
    // Not numbering here: whoever numbers next starts past the reserved last_seq.
    const snapshotSeq = seq ?? row.lastSeq;
    return {
      leaseOwner,
      missed: since === undefined ? [] : this.replay.between(projectId, since, snapshotSeq),
      snapshot: {
        projectId,
        seq: snapshotSeq,
        state: row.state,
        blueprint: row.blueprint,
        phases: row.phases,
        request: row.requestNumber,
        version,
        currentPhase: row.currentPhase,
        error: row.error,
        files: [...files].map(([path, body]) => ({ path, ...body })),
        streaming: seq === undefined ? null : streaming,
        checking: seq === undefined ? null : checking,
        messages: messages.slice(0, SNAPSHOT_MESSAGES_MAX).reverse(),
        messagesTruncated: messages.length > SNAPSHOT_MESSAGES_MAX,
        ...(problems ? { problems } : {}),
      },
    };
  }

  get runnerId(): string {
    return this.config.RUNNER_ID;
  }

  /** The newest messages first, one more than a snapshot carries (to tell if there are more). */
  private async recentMessages(projectId: string): Promise<ChatMessageView[]> {
    const rows = await this.messages.recent(projectId, SNAPSHOT_MESSAGES_MAX + 1);
    return rows.map((row) => ({
      id: row.id,
      role: row.role,
      content: row.content,
      createdAt: row.created_at.toISOString(),
    }));
  }
}
