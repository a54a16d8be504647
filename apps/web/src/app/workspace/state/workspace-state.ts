import { type AgentState } from '@forge/protocol/agent/agent-state';
import {
  type ProblemItem,
  type ProblemSource,
  type ServerEvent,
  type ServerEventPayloads,
} from '@forge/protocol/agent/events';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import {
  type ProjectView,
  applyEvent,
  viewFromSnapshot,
} from '@forge/protocol/socket/project-view';

/** What the socket delivered for one project, in arrival order. */
export type LiveItem =
  | { readonly kind: 'snapshot'; readonly snapshot: ProjectSnapshot }
  | { readonly kind: 'event'; readonly event: ServerEvent };

/** Install and dev-server output kept for the preview's failure view, in characters. */
export const LOG_CHARS_MAX = 40_000;
/** Non-fatal errors (a refused block, a retried call) kept to show in the plan. */
export const NOTICES_MAX = 20;
/** Events kept while the first snapshot is on its way; the oldest go first past this. */
export const EARLY_EVENTS_MAX = 5_000;

export type LogStream = ServerEventPayloads['log']['stream'];

export interface LogEntry {
  readonly seq: number;
  /** install and dev: the sandbox; check: the checks' report after a phase. */
  readonly stream: LogStream;
  readonly text: string;
}

/** The latest `version_created` seen on this page, with the seq that tells it from older ones. */
export type VersionEvent = { readonly seq: number } & Readonly<
  ServerEventPayloads['version_created']
>;

/** An error the agent recovered from, shown where it happened (its phase) and then cleared. */
export interface Notice {
  readonly seq: number;
  readonly code: string;
  readonly message: string;
  readonly phase?: number;
}

/** LLM tokens and cost added up; cost null until a call reported one. */
export interface UsageTotal {
  readonly tokens: number;
  readonly costUsd: number | null;
  readonly calls: number;
}

export const NO_USAGE: UsageTotal = { tokens: 0, costUsd: null, calls: 0 };

export function addUsage(
  total: UsageTotal,
  usage: { promptTokens: number; completionTokens: number; costUsd: number | null },
): UsageTotal {
  return {
    tokens: total.tokens + usage.promptTokens + usage.completionTokens,
    costUsd: usage.costUsd === null ? total.costUsd : (total.costUsd ?? 0) + usage.costUsd,
    calls: total.calls + 1,
  };
}

export interface ChangedFiles {
  readonly phase: number;
  readonly paths: readonly string[];
}

/** The workspace page's live state: the protocol's view plus what only this page shows. */
export interface WorkspaceState {
  /** The project as the agent has it; null until the first snapshot. */
  readonly view: ProjectView | null;
  /** Events that arrived before the first snapshot, applied after it. */
  readonly early: readonly ServerEvent[];
  readonly logs: readonly LogEntry[];
  readonly notices: readonly Notice[];
  /** Files written or deleted in the latest phase: the file tree marks them. */
  readonly changed: ChangedFiles;
  /** Dev-server starts (phases served) seen on this page. */
  readonly serverStarts: number;
  /**
   * Of those, the ones whose dev server was new (restarted): the preview loads the app anew on
   * each. A server that took a phase's code live hot-reloads the open preview in place.
   */
  readonly serverRestarts: number;
  /** The state a generation left when it last went back to IDLE (where a failure happened). */
  readonly stoppedFrom: AgentState | null;
  /** An event skipped a number since the last snapshot: some were lost, a snapshot is due. */
  readonly gap: boolean;
  /** The version made last while this page watched (an edit, a rollback, a phase). */
  readonly latestVersion: VersionEvent | null;
  /** The errors that hold now, by source, as the runner last said (distinct, never a log). */
  readonly problems: Readonly<Record<ProblemSource, readonly ProblemItem[]>>;
  /** LLM usage seen live on this page (`usage` events), and that of the request running now. */
  readonly usage: UsageTotal;
  readonly requestUsage: UsageTotal;
}

export const EMPTY_WORKSPACE: WorkspaceState = {
  view: null,
  early: [],
  logs: [],
  notices: [],
  changed: { phase: 0, paths: [] },
  serverStarts: 0,
  serverRestarts: 0,
  stoppedFrom: null,
  gap: false,
  latestVersion: null,
  problems: { checks: [], browser: [] },
  usage: NO_USAGE,
  requestUsage: NO_USAGE,
};

/**
 * Folds what the socket delivered into the state, in order. A snapshot replaces the view (the
 * chat keeps its messages); an event at or below the view's seq is a repeat and is dropped; an
 * event past seq + 1 is applied and flags the gap. Consecutive chunks of one file are joined
 * into one chunk first, so a frame's worth of chunks costs one string join and one view.
 */
export function reduceWorkspace(state: WorkspaceState, items: readonly LiveItem[]): WorkspaceState {
  let next = state;
  let run: ChunkRun | null = null;
  let early: ServerEvent[] | null = null;
  const flushRun = () => {
    if (run) {
      next = withEvent(next, joinRun(run), run.firstSeq);
      run = null;
    }
  };
  const flushEarly = () => {
    if (early) {
      next = { ...next, early: early.slice(-EARLY_EVENTS_MAX) };
      early = null;
    }
  };
  for (const item of items) {
    if (item.kind === 'snapshot') {
      flushRun();
      flushEarly();
      next = withSnapshot(next, item.snapshot);
      continue;
    }
    const event = item.event;
    if (!next.view) {
      early ??= [...next.early];
      early.push(event);
      continue;
    }
    const lastSeen: number = run ? run.last.seq : next.view.seq;
    if (event.projectId !== next.view.projectId || event.seq <= lastSeen) {
      continue;
    }
    if (
      event.type === 'file_chunk' &&
      run?.last.path === event.path &&
      event.seq === lastSeen + 1
    ) {
      run.chunks.push(event.chunk);
      run.last = event;
      continue;
    }
    flushRun();
    if (event.type === 'file_chunk') {
      run = { firstSeq: event.seq, chunks: [event.chunk], last: event };
    } else {
      next = withEvent(next, event, event.seq);
    }
  }
  flushRun();
  flushEarly();
  return next;
}

type ChunkEvent = Extract<ServerEvent, { type: 'file_chunk' }>;

interface ChunkRun {
  firstSeq: number;
  chunks: string[];
  last: ChunkEvent;
}

function joinRun(run: ChunkRun): ChunkEvent {
  return run.chunks.length === 1 ? run.last : { ...run.last, chunk: run.chunks.join('') };
}

function withSnapshot(state: WorkspaceState, snapshot: ProjectSnapshot): WorkspaceState {
  const view = viewFromSnapshot(snapshot, state.view ?? undefined);
  const fresh: WorkspaceState = {
    ...state,
    view,
    early: [],
    gap: false,
    changed: changedFromPhases(view, state.changed),
    problems: snapshot.problems ?? EMPTY_WORKSPACE.problems,
    // Where a failure happened is known from the events only; a snapshot without one clears it.
    stoppedFrom: view.error ? state.stoppedFrom : null,
  };
  const later = state.early
    .filter((event) => event.seq > view.seq)
    .map((event): LiveItem => ({ kind: 'event', event }));
  return later.length > 0 ? reduceWorkspace(fresh, later) : fresh;
}

function withEvent(state: WorkspaceState, event: ServerEvent, firstSeq: number): WorkspaceState {
  const view = state.view;
  if (!view) {
    return state;
  }
  const next: {
    -readonly [K in keyof WorkspaceState]: WorkspaceState[K];
  } = {
    ...state,
    view: applyEvent(view, event),
    gap: state.gap || firstSeq > view.seq + 1,
  };
  switch (event.type) {
    case 'log':
      next.logs = appendLog(state.logs, { seq: event.seq, stream: event.stream, text: event.text });
      break;
    case 'error':
      if (!event.fatal) {
        const { seq, code, message, phase } = event;
        next.notices = [...state.notices, { seq, code, message, phase }].slice(-NOTICES_MAX);
      }
      break;
    case 'file_end':
    case 'file_deleted':
      next.changed = markChanged(state.changed, event.phase, event.path);
      break;
    case 'server_started':
      next.serverStarts = state.serverStarts + 1;
      if (event.restarted !== false) {
        next.serverRestarts = state.serverRestarts + 1;
      }
      break;
    case 'problems':
      next.problems = { ...state.problems, [event.source]: event.problems };
      break;
    case 'usage':
      next.usage = addUsage(state.usage, event);
      next.requestUsage = addUsage(state.requestUsage, event);
      break;
    case 'version_created': {
      const { seq, number, label, reason, createdAt } = event;
      next.latestVersion = { seq, number, label, reason, createdAt };
      break;
    }
    case 'state_change':
      if (event.state === 'IDLE') {
        next.stoppedFrom = event.previous;
      } else if (event.state === 'DESIGNING_PHASE' && event.previous === 'IDLE') {
        // A new request: what the last one left behind is no longer news.
        next.stoppedFrom = null;
        next.notices = [];
        next.logs = [];
        next.requestUsage = NO_USAGE;
      }
      break;
    default:
      break;
  }
  return next;
}

function markChanged(changed: ChangedFiles, phase: number, path: string): ChangedFiles {
  if (changed.phase !== phase) {
    return { phase, paths: [path] };
  }
  return changed.paths.includes(path) ? changed : { phase, paths: [...changed.paths, path] };
}

/** After a snapshot, the latest phase's planned files stand in for the ones the events named. */
function changedFromPhases(view: ProjectView, known: ChangedFiles): ChangedFiles {
  const latest = view.phases.reduce<ProjectView['phases'][number] | null>(
    (found, phase) => (!found || phase.number > found.number ? phase : found),
    null,
  );
  if (!latest || latest.status === 'designed' || latest.number === known.phase) {
    return known;
  }
  const paths = latest.files.map((file) => file.path).filter((path) => path in view.files);
  return { phase: latest.number, paths };
}

function appendLog(logs: readonly LogEntry[], entry: LogEntry): LogEntry[] {
  const kept = [...logs, entry];
  let total = kept.reduce((sum, log) => sum + log.text.length, 0);
  while (total > LOG_CHARS_MAX && kept.length > 1) {
    total -= kept.shift()!.text.length;
  }
  if (total > LOG_CHARS_MAX) {
    kept[0] = { ...kept[0], text: kept[0].text.slice(-LOG_CHARS_MAX) };
  }
  return kept;
}
