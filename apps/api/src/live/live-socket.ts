import { type Server, type Socket } from 'socket.io';
import { type LiveClientCommands, type LiveServerEvents } from '@forge/protocol';
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
