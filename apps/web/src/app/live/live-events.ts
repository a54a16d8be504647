import { ErrorCode } from '@forge/protocol/errors';
import { type ServerEventType } from '@forge/protocol/agent/events';
import { type CommandError } from '@forge/protocol/socket/live-events';

/**
 * Every agent event name the socket forwards, spelled once so that the socket service can listen
 * to each with its typed payload. The Record makes the compiler name a type the protocol adds.
 */
const AGENT_EVENT_TYPE_SET: Readonly<Record<Exclude<ServerEventType, 'error'>, true>> = {
  state_change: true,
  blueprint: true,
  phase_designing: true,
  phase_designed: true,
  file_start: true,
  file_chunk: true,
  file_end: true,
  file_deleted: true,
  files_written: true,
  deps_installed: true,
  server_started: true,
  checking: true,
  generation_complete: true,
  message: true,
  log: true,
  usage: true,
  version_created: true,
  problems: true,
};

/** Agent event names other than `error`, which is shared with refused commands. */
export const AGENT_EVENT_TYPES = Object.keys(AGENT_EVENT_TYPE_SET) as Exclude<
  ServerEventType,
  'error'
>[];

/**
 * Tells the agent's `error` events (numbered, part of a project's history) from refused
 * commands (no seq): both arrive under the event name `error`.
 */
export function isCommandError(payload: unknown): payload is CommandError {
  if (typeof payload !== 'object' || payload === null) {
    return false;
  }
  const { code, message, seq } = payload as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string' && typeof seq !== 'number';
}

/** The `{ code, message }` a refused handshake carries in connect_error's `data`. */
export function handshakeRefusal(error: unknown): CommandError {
  const data = (error as { data?: unknown } | null)?.data;
  if (isCommandError(data)) {
    return { code: data.code, message: data.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: ErrorCode.HandshakeRefused,
    message: `The live connection was refused: ${message}`,
  };
}
