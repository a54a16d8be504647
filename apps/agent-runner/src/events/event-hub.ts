import { Injectable } from '@nestjs/common';
import { type ServerEvent, type UnsequencedEvent } from '@forge/protocol';
import { AgentStore } from '../agent/agent-store';

/**
 * Sequence numbers are reserved in blocks of this size in agent_states.last_seq, so a runner
 * taking a project over starts past every number its predecessor may have used, without a
 * database write per event.
 */
export const SEQ_RESERVATION_BLOCK = 1_000;

export type EventListener = (event: ServerEvent) => void;

interface ProjectSequence {
  next: number;
  reservedUpTo: number;
  /** Emits of one project run one after another, so numbers and delivery stay in order. */
  tail: Promise<unknown>;
}

/** Numbers each project's events and hands them to every listener (the API link, tests). */
@Injectable()
export class EventHub {
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
    if (!sequence)
      return Promise.reject(new Error(`events for project ${projectId} before open()`));
    const emitted = sequence.tail.then(async () => {
      if (sequence.next > sequence.reservedUpTo) {
        const upTo = sequence.reservedUpTo + SEQ_RESERVATION_BLOCK;
        await this.store.reserveSeq(projectId, upTo);
        sequence.reservedUpTo = upTo;
      }
      const sequenced = { ...event, projectId, seq: sequence.next++ } as ServerEvent;
      for (const listener of this.listeners) listener(sequenced);
      return sequenced;
    });
    sequence.tail = emitted.catch(() => undefined);
    return emitted;
  }
}
