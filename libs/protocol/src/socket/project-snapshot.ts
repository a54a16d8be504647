import {
  type AgentError,
  type AgentState,
  type Blueprint,
  type PhaseInfo,
} from '../agent/agent-state';
import { type ProblemItem, type ProblemSource, type ServerEventPayloads } from '../agent/events';
import { type FileEncoding, type ProjectFile } from '../project-file';

/** The most recent chat messages a snapshot carries; older ones page in over REST. */
export const SNAPSHOT_MESSAGES_MAX = 50;

/** A chat message as `message` events and snapshots carry it. */
export type ChatMessageView = ServerEventPayloads['message'];

/** The file being streamed, as far as it has come. */
export interface StreamingFile {
  path: string;
  content: string;
  /** A binary file: its content arrives whole in file_end, so it stays empty while streaming. */
  encoding?: FileEncoding;
}

/**
 * A project as it stands after the event numbered `seq`: what a client shows, answered to
 * `join` and `get_state` and pushed again after the server lost events. Events with a higher
 * `seq` follow it; a client applies them in order (see applyEvent).
 */
export interface ProjectSnapshot {
  projectId: string;
  /** The last event reflected here; every later event has a higher number. */
  seq: number;
  state: AgentState;
  blueprint: Blueprint | null;
  phases: PhaseInfo[];
  /** The number of the request being worked on, or of the latest one (0: none yet). */
  request?: number;
  /**
   * The number of the project's latest saved version (0 or absent: none yet). An imported or
   * remixed project starts at version 1 with no phase: it has an app to preview all the same.
   */
  version?: number;
  currentPhase: number;
  error: AgentError | null;
  /** Every saved file with its content, by path (byte order); binary ones in base64. */
  files: ProjectFile[];
  /** The file being streamed right now, as far as the events up to `seq` took it. */
  streaming: StreamingFile | null;
  /** The phase whose checks run right now (after its `checking` event), else null. */
  checking?: number | null;
  /** The latest SNAPSHOT_MESSAGES_MAX chat messages, oldest first. */
  messages: ChatMessageView[];
  /** Earlier messages exist: GET /api/projects/:id/messages pages them in. */
  messagesTruncated: boolean;
  /** The errors that hold now, as the latest `problems` events gave them (absent: none known). */
  problems?: Record<ProblemSource, ProblemItem[]>;
}
