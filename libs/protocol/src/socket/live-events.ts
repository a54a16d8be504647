import { type ServerEvent, type ServerEventType } from '../agent/events';
import { type LiveCommandPayloads } from './live-commands';
import { type ProjectSnapshot } from './project-snapshot';
import { type ErrorCode } from '../errors';

/**
 * A refused command, sent as an `error` event (and as the acknowledgement when the client
 * asked for one). Unlike the agent's `error` events it has no `seq`.
 */
export interface CommandError {
  code: ErrorCode;
  message: string;
  /** The command refused, when there was one. */
  command?: string;
  projectId?: string;
  /** For RATE_LIMITED: when another try may pass. */
  retryAfterSeconds?: number;
}

/** What a command's acknowledgement carries. */
export type CommandAck = { ok: true } | { ok: false; error: CommandError };

/**
 * Server → browser events, by name, with what each carries. Each agent event goes out under its
 * own type name, carrying the whole event (projectId, seq, type, payload); `snapshot` answers
 * join/get_state; `error` is either the agent's (with a seq) or a refused command (without).
 */
export type LiveServerEventMap = {
  [K in ServerEventType]: K extends 'error'
    ? Extract<ServerEvent, { type: 'error' }> | CommandError
    : Extract<ServerEvent, { type: K }>;
} & { snapshot: ProjectSnapshot };

export type LiveServerEventName = keyof LiveServerEventMap;

/** The map as Socket.IO types a server's emits and a client's listeners. */
export type LiveServerEvents = {
  [K in LiveServerEventName]: (payload: LiveServerEventMap[K]) => void;
};

/** Browser → server commands; each may pass an acknowledgement callback last. */
export type LiveClientCommands = {
  [K in keyof LiveCommandPayloads]: (
    payload: LiveCommandPayloads[K],
    ack?: (answer: CommandAck) => void,
  ) => void;
};

/** Socket.IO room of a project's sockets, on the API and on the runner's link alike. */
export function projectRoom(projectId: string): string {
  return `project:${projectId}`;
}
