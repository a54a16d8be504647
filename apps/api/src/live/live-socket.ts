import { type Server, type Socket } from 'socket.io';
import { type LiveClientCommands, type LiveServerEvents } from '@forge/protocol';
import { type AuthUser } from '../auth/auth-user';

/** What the handshake leaves on a browser socket. */
export interface LiveSocketData {
  user: AuthUser;
}

type NoInterServerEvents = Record<string, never>;

export type LiveServer = Server<
  LiveClientCommands,
  LiveServerEvents,
  NoInterServerEvents,
  LiveSocketData
>;
export type LiveSocket = Socket<
  LiveClientCommands,
  LiveServerEvents,
  NoInterServerEvents,
  LiveSocketData
>;
