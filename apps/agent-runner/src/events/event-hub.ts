import { Injectable, Logger } from '@nestjs/common';
import { type ServerEvent, type UnsequencedEvent } from '@forge/protocol';
import { AgentStore } from '../agent/agent-store';

/**
 * Sequence numbers are reserved in blocks of this size in agent_states.last_seq, so a runner
 * taking a project over starts past every number its predecessor may have used, without a
 * database write per event.
 */
export const SEQ_RESERVATION_BLOCK = 1_000;

/**
 * The next block is reserved once fewer numbers than this are left in the current one, in the
 * background: events wait for a reservation only when a project outruns it.
 */
export const SEQ_RESERVATION_AHEAD = SEQ_RESERVATION_BLOCK / 2;

export type EventListener = (event: ServerEvent) => void;

interface ProjectSequence {
  next: number;
  reservedUpTo: number;
  /** The write reserving the numbers after reservedUpTo, while it runs. */
  reserving: Promise<void> | null;
  /** The block end the last reservation ahead started from: one try per block. */
  aheadOf: number;
  /** Emits waiting for a reservation; later ones queue behind them to keep the order. */
  waiting: number;
  /** The last of those, which the next one chains on. */
  tail: Promise<unknown>;
}

/**
 * Numbers each project's events and hands them to every listener (the API link, tests). An
 * event is numbered and delivered within emit() itself while its number is reserved already,
 * which is almost always; emit() resolves with it.
 */
@Injectable()
export class EventHub {
  private readonly logger = new Logger(EventHub.name);
  private readonly listeners = new Set<EventListener>();
  private readonly sequences = new Map<string, ProjectSequence>();

  constructor(private readonly store: AgentStore) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts numbering a project after `lastSeq`, the highest number any runner reserved. */
  open(projectId: string, lastSeq: number): void {
    const known = this.sequences.get(projectId);
    if (!known || known.reservedUpTo < lastSeq) {
      this.sequences.set(projectId, {
        next: lastSeq + 1,
        reservedUpTo: lastSeq,
        reserving: null,
        aheadOf: -1,
        waiting: 0,
        tail: Promise.resolve(),
      });
    }
  }

  close(projectId: string): void {
    this.sequences.delete(projectId);
  }

  /** The last number given out for a project (for snapshots). */
  lastSeq(projectId: string): number | undefined {
    const sequence = this.sequences.get(projectId);
    return sequence ? sequence.next - 1 : undefined;
  }

  emit(projectId: string, event: UnsequencedEvent): Promise<ServerEvent> {
    const sequence = this.sequences.get(projectId);
    if (!sequence) {
      return Promise.reject(new Error(`events for project ${projectId} before open()`));
    }
    if (sequence.waiting === 0 && sequence.next <= sequence.reservedUpTo) {
      try {
        return Promise.resolve(this.deliver(projectId, sequence, event));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    sequence.waiting++;
    const emitted = sequence.tail.then(async () => {
      try {
        while (sequence.next > sequence.reservedUpTo) {
          await this.reserve(projectId, sequence);
        }
        return this.deliver(projectId, sequence, event);
      } finally {
        sequence.waiting--;
      }
    });
    sequence.tail = emitted.catch(() => undefined);
    return emitted;
  }

  private deliver(
    projectId: string,
    sequence: ProjectSequence,
    event: UnsequencedEvent,
  ): ServerEvent {
    const sequenced = { ...event, projectId, seq: sequence.next++ } as ServerEvent;
    const ahead = sequence.reservedUpTo - sequence.next < SEQ_RESERVATION_AHEAD;
    if (ahead && !sequence.reserving && sequence.aheadOf !== sequence.reservedUpTo) {
      sequence.aheadOf = sequence.reservedUpTo;
      this.reserve(projectId, sequence).catch((error: unknown) => {
        // Tried again when the numbers run out, and only then does an emit fail.
        this.logger.warn(`reserving seqs of ${projectId} ahead: ${(error as Error).message}`);
      });
    }
    for (const listener of this.listeners) {
      listener(sequenced);
    }
    return sequenced;
  }

  /** The running reservation of the next block, or a new one. */
  private reserve(projectId: string, sequence: ProjectSequence): Promise<void> {
    sequence.reserving ??= (async () => {
      try {
        const upTo = sequence.reservedUpTo + SEQ_RESERVATION_BLOCK;
        await this.store.reserveSeq(projectId, upTo);
        sequence.reservedUpTo = Math.max(sequence.reservedUpTo, upTo);
      } finally {
        sequence.reserving = null;
      }
    })();
    return sequence.reserving;
  }
}
