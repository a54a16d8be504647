import {
  type AgentError,
  type AgentState,
  type Blueprint,
  type PhaseInfo,
} from '../agent/agent-state';
import { type ServerEvent } from '../agent/events';
import { type FileEncoding } from '../project-file';
import { type ChatMessageView, type ProjectSnapshot, type StreamingFile } from './project-snapshot';

/**
 * What a client knows of a project: a snapshot with every later event applied. Two clients
 * that saw the same project end with equal views however often they reconnected, which is
 * what the live link promises. The browser keeps one of these per open project.
 */
export interface ProjectView {
  projectId: string;
  seq: number;
  state: AgentState;
  blueprint: Blueprint | null;
  phases: PhaseInfo[];
  /** The request being worked on, or the latest one: 1 for the first app, 2 for a follow-up… */
  request: number;
  /** The latest saved version (0: none yet), as the snapshot and `version_created` give it. */
  version: number;
  currentPhase: number;
  error: AgentError | null;
  /** Text files by path; a binary file's entry is the base64 of its bytes. */
  files: Record<string, string>;
  /** The binary files among `files` (their content is base64), by path. */
  encodings: Record<string, FileEncoding>;
  streaming: StreamingFile | null;
  /** The phase whose checks run now (see nextChecking). */
  checking: number | null;
  messages: ChatMessageView[];
}

/**
 * The phase being checked after `event`: set by `checking`, over with the next state change
 * (a fix phase, the next phase, done, stopped or failed). Snapshots follow the same rule.
 */
export function nextChecking(checking: number | null, event: ServerEvent): number | null {
  switch (event.type) {
    case 'checking':
      return event.phase;
    case 'state_change':
      return null;
    default:
      return checking;
  }
}

/**
 * The file being streamed after `event`. The runner's snapshots and every client use this one
 * rule, so the streamed text of a snapshot and of a client that watched agree to the byte.
 */
export function nextStreaming(
  streaming: StreamingFile | null,
  event: ServerEvent,
): StreamingFile | null {
  switch (event.type) {
    case 'file_start':
      return event.encoding
        ? { path: event.path, content: '', encoding: event.encoding }
        : { path: event.path, content: '' };
    case 'file_chunk':
      return streaming?.path === event.path
        ? { path: event.path, content: streaming.content + event.chunk }
        : streaming;
    case 'file_end':
      return streaming?.path === event.path ? null : streaming;
    case 'state_change':
      return event.state === 'IMPLEMENTING_PHASE' ? streaming : null;
    default:
      return streaming;
  }
}

function byTime(a: ChatMessageView, b: ChatMessageView): number {
  if (a.createdAt !== b.createdAt) {
    return a.createdAt < b.createdAt ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Messages by id, in time order: a message seen twice (snapshot and event) is kept once. */
function mergeMessages(
  known: readonly ChatMessageView[],
  incoming: readonly ChatMessageView[],
): ChatMessageView[] {
  const byId = new Map(known.map((message) => [message.id, message]));
  for (const message of incoming) {
    byId.set(message.id, message);
  }
  return [...byId.values()].sort(byTime);
}

/** The view a snapshot gives; messages the client already had are kept. */
export function viewFromSnapshot(snapshot: ProjectSnapshot, previous?: ProjectView): ProjectView {
  return {
    projectId: snapshot.projectId,
    seq: snapshot.seq,
    state: snapshot.state,
    blueprint: snapshot.blueprint,
    phases: snapshot.phases,
    request:
      snapshot.request ?? snapshot.phases.reduce((max, phase) => Math.max(max, phase.request), 0),
    version: snapshot.version ?? 0,
    currentPhase: snapshot.currentPhase,
    error: snapshot.error,
    files: Object.fromEntries(snapshot.files.map((file) => [file.path, file.content])),
    encodings: Object.fromEntries(
      snapshot.files.flatMap((file) => (file.encoding ? [[file.path, file.encoding]] : [])),
    ),
    streaming: snapshot.streaming,
    checking: snapshot.checking ?? null,
    messages: mergeMessages(
      previous?.projectId === snapshot.projectId ? previous.messages : [],
      snapshot.messages,
    ),
  };
}

function withEncoding(
  encodings: Record<string, FileEncoding>,
  path: string,
  encoding: FileEncoding | undefined,
): Record<string, FileEncoding> {
  const next = { ...encodings };
  if (encoding) {
    next[path] = encoding;
  } else {
    delete next[path];
  }
  return next;
}

function withPhase(phases: PhaseInfo[], number: number, change: Partial<PhaseInfo>): PhaseInfo[] {
  return phases.map((phase) => (phase.number === number ? { ...phase, ...change } : phase));
}

/**
 * The view after one event. Events at or below `view.seq` are already in it and change
 * nothing. Phase statuses follow the events the way the agent records them in agent_states
 * (implementing once its files are written, done when its server step ends, failed with a
 * fatal error), so a view built from events equals one built from a later snapshot.
 */
export function applyEvent(view: ProjectView, event: ServerEvent): ProjectView {
  if (event.projectId !== view.projectId || event.seq <= view.seq) {
    return view;
  }
  const next: ProjectView = {
    ...view,
    seq: event.seq,
    streaming: nextStreaming(view.streaming, event),
    checking: nextChecking(view.checking, event),
  };
  switch (event.type) {
    case 'state_change':
      next.state = event.state;
      if (event.request !== undefined) {
        next.request = event.request;
      }
      if (event.state === 'IDLE') {
        next.error = null;
      }
      if (event.state === 'DESIGNING_PHASE' && event.previous === 'IDLE') {
        next.error = null;
      }
      // The server step ended the phase; a cancel or failure there leaves it as it was.
      if (
        event.previous === 'STARTING_SERVER' &&
        (event.state === 'DESIGNING_PHASE' || event.state === 'COMPLETE')
      ) {
        next.phases = withPhase(view.phases, view.currentPhase, { status: 'done' });
      }
      break;
    case 'blueprint':
      next.blueprint = event.blueprint;
      break;
    case 'version_created':
      next.version = event.number;
      break;
    case 'phase_designing':
      next.currentPhase = event.phase;
      break;
    case 'phase_designed':
      next.phases = [...view.phases.filter((p) => p.number !== event.phase.number), event.phase];
      next.currentPhase = event.phase.number;
      break;
    case 'files_written':
      next.phases = withPhase(view.phases, event.phase, { status: 'implementing' });
      break;
    case 'deps_installed':
      next.phases = withPhase(view.phases, view.currentPhase, { dependencies: event.packages });
      break;
    case 'file_end':
      next.files = { ...view.files, [event.path]: event.content };
      if (event.encoding || event.path in view.encodings) {
        next.encodings = withEncoding(view.encodings, event.path, event.encoding);
      }
      break;
    case 'file_deleted': {
      const files = { ...view.files };
      delete files[event.path];
      next.files = files;
      if (event.path in view.encodings) {
        next.encodings = withEncoding(view.encodings, event.path, undefined);
      }
      break;
    }
    case 'error':
      if (event.fatal) {
        next.error = {
          code: event.code,
          message: event.message,
          ...(event.phase !== undefined ? { phase: event.phase } : {}),
        };
        if (event.phase !== undefined) {
          next.phases = withPhase(view.phases, event.phase, { status: 'failed' });
        }
      }
      break;
    case 'message':
      next.messages = mergeMessages(view.messages, [
        {
          id: event.id,
          role: event.role,
          content: event.content,
          createdAt: event.createdAt,
        },
      ]);
      break;
    default:
      break;
  }
  return next;
}
