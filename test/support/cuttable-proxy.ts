import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server (PostgreSQL in tests) that a test can cut and
 * restore, standing for the server going down without stopping a server others share.
 * `cut('refuse')` drops every connection and each new one at once (a server that is down);
 * `cut('silence')` keeps the connections open and relays nothing (a network that black-holes).
 */
export interface CuttableProxy {
  /** `target` with its host and port replaced by the proxy's. */
  url: string;
  cut(mode: 'refuse' | 'silence'): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let mode: 'open' | 'refuse' | 'silence' = 'open';
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') {
      client.destroy();
      return;
    }
    const server = connect(Number(upstream.port || 5432), upstream.hostname);
    track(server);
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (data) => {
        if (mode === 'open') {
          to.write(data);
        }
      });
      from.on('close', () => to.destroy());
    };
    relay(client, server);
    relay(server, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') {
    throw new Error('the proxy has no port');
  }
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    cut(how) {
      mode = how;
      if (how === 'refuse') {
        for (const socket of sockets) {
          socket.destroy();
        }
      }
    },
    restore() {
      mode = 'open';
    },
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
