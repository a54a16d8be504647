import { type BroadcastOperator, type Server, type Socket } from 'socket.io';
import {
  type LiveClientCommands,
  type LiveServerEventMap,
  type LiveServerEventName,
  type LiveServerEvents,
  type ServerEvent,
} from '@forge/protocol';
import { type AuthUser } from '../auth/auth-user';

/** What the handshake leaves on a browser socket. */
export interface LiveSocketData {
  user: AuthUser;
  /** The better-auth session the handshake used; the socket ends with it. */
  sessionId: string;
  sessionExpiresAt: number;
}

/** What API replicas tell each other (through the Redis adapter when there are several). */
export interface LiveInterServerEvents {
  /** A project was deleted: its sockets are told and leave it on every replica. */
  project_deleted: (projectId: string) => void;
}

export type LiveServer = Server<
  LiveClientCommands,
  LiveServerEvents,
  LiveInterServerEvents,
  LiveSocketData
>;
export type LiveSocket = Socket<
  LiveClientCommands,
  LiveServerEvents,
  LiveInterServerEvents,
  LiveSocketData
>;

/** Where the API sends browser events: one socket, or a room's. */
export type LiveTarget = LiveSocket | BroadcastOperator<LiveServerEvents, LiveSocketData>;

/**
 * The one way the API sends to browsers: an event of LiveServerEventMap with what it carries.
 * Socket.IO's typed emit cannot follow a name that is a type parameter, so it is called here
 * through its plain signature, once, for every caller.
 */
export function sendLive<K extends LiveServerEventName>(
  target: LiveTarget,
  name: K,
  payload: LiveServerEventMap[K],
): void {
  const emitter: { emit(name: string, payload: unknown): boolean } = target;
  emitter.emit(name, payload);
}

/** An agent event goes out under its own type name. */
export function sendServerEvent(target: LiveTarget, event: ServerEvent): void {
  sendLive(target, event.type, event);
}
