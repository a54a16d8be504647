import { type ServerEvent, type ServerEventType } from '@forge/protocol';

/** Events a snapshot shows whole (its files and streamed file): not worth keeping. */
const SHOWN_BY_SNAPSHOTS: ReadonlySet<ServerEventType> = new Set(['file_chunk', 'file_end']);

/**
 * The latest events of each project, for a client that comes back after missing some: a
 * snapshot carries files, state and chat, but not that the dev server started, a version was
 * made or what the install printed. Bounded per project (the oldest go first) and in projects
 * (the project whose last event is oldest goes first).
 */
export class EventReplay {
  private readonly kept = new Map<string, ServerEvent[]>();

  constructor(
    private readonly eventsPerProject: number,
    private readonly projectsMax: number,
  ) {}

  keep(event: ServerEvent): void {
    if (SHOWN_BY_SNAPSHOTS.has(event.type) || this.eventsPerProject === 0) {
      return;
    }
    const events = this.kept.get(event.projectId) ?? [];
    // Re-inserted so that the map's order is that of the projects' latest events.
    this.kept.delete(event.projectId);
    this.kept.set(event.projectId, events);
    events.push(event);
    if (events.length > this.eventsPerProject) {
      events.splice(0, events.length - this.eventsPerProject);
    }
    if (this.kept.size > this.projectsMax) {
      this.kept.delete(this.kept.keys().next().value!);
    }
  }

  /** The kept events numbered in (after, upTo], oldest first. */
  between(projectId: string, after: number, upTo: number): ServerEvent[] {
    return (this.kept.get(projectId) ?? []).filter(
      (event) => event.seq > after && event.seq <= upTo,
    );
  }

  forget(projectId: string): void {
    this.kept.delete(projectId);
  }
}
