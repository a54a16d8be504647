import { ErrorCode } from '@forge/protocol/errors';
import { SERVER_EVENT_TYPES, type ServerEventType } from '@forge/protocol/agent/events';
import { type CommandError } from '@forge/protocol/socket/live-events';

/** Agent event names other than `error`, which is shared with refused commands. */
export const AGENT_EVENT_TYPES = SERVER_EVENT_TYPES.filter(
  (type): type is Exclude<ServerEventType, 'error'> => type !== 'error',
);

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
