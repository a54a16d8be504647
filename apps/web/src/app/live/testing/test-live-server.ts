import { ErrorCode } from '@forge/protocol/errors';
import { type CommandAck } from '@forge/protocol/socket/live-events';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import { type Server as HttpServer, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { SOCKET_PATH } from '../live-socket.service';

/*
 * A stand-in for the API's Socket.IO gateway, for specs: a real server on a free port. Specs
 * that use it run the client as in Node (see live-socket.service.spec.ts).
 */

export function snapshotOf(projectId: string, seq: number): ProjectSnapshot {
  return {
    projectId,
    seq,
    state: 'IDLE',
    blueprint: null,
    phases: [],
    currentPhase: 0,
    error: null,
    files: [],
    streaming: null,
    messages: [],
    messagesTruncated: false,
  };
}

/** Polls until `probe` holds; the failure names what never happened. */
export async function until(probe: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > 5_000) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A stand-in for the API's gateway: answers join/get_state with snapshots, acks commands. */
export class TestLiveServer {
  readonly commands: { name: string; payload: unknown }[] = [];
  readonly sockets: ServerSocket[] = [];
  seq = 0;
  /** What the next command acknowledgement says. */
  answer: CommandAck = { ok: true };
  refuseJoin: CommandAck | null = null;
  refuseHandshake = false;
  /** While set, handshakes wait for it: a reconnecting client stays disconnected until then. */
  handshakeGate: Promise<void> | null = null;
  /** The snapshot join and get_state answer with; `seq` counts the snapshots sent. */
  snapshot: (projectId: string, seq: number) => ProjectSnapshot = snapshotOf;

  private constructor(
    private readonly http: HttpServer,
    readonly io: Server,
    readonly url: string,
  ) {
    io.use(async (_socket, next) => {
      await this.handshakeGate;
      if (!this.refuseHandshake) {
        next();
        return;
      }
      const data = { code: ErrorCode.Unauthenticated, message: 'Sign in to continue.' };
      next(Object.assign(new Error(data.message), { data }));
    });
    io.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.onAny(
        (name: string, payload: { projectId: string }, ack?: (a: CommandAck) => void) => {
          this.commands.push({ name, payload });
          if (name === 'join' && this.refuseJoin) {
            ack?.(this.refuseJoin);
            return;
          }
          if (name === 'join' || name === 'get_state') {
            socket.emit('snapshot', this.snapshot(payload.projectId, ++this.seq));
            ack?.({ ok: true });
            return;
          }
          ack?.(this.answer);
        },
      );
    });
  }

  static async start(): Promise<TestLiveServer> {
    const http = createServer();
    const io = new Server(http, { path: SOCKET_PATH });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    return new TestLiveServer(http, io, `http://127.0.0.1:${port}`);
  }

  count(name: string): number {
    return this.commands.filter((command) => command.name === name).length;
  }

  get latest(): ServerSocket {
    return this.sockets[this.sockets.length - 1];
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.io.close(resolve));
    this.http.closeAllConnections();
  }
}
