import { createServer } from 'node:net';
import { SandboxError } from '../core/sandbox-error';

export interface PortRange {
  /** First port, inclusive. */
  from: number;
  /** Last port, inclusive. */
  to: number;
}

/**
 * Hands out ports for dev servers: from `range` when given (in turn, skipping ports already
 * handed out or found busy), else whatever port the system picks. A port is free when this
 * process can bind it at that moment; a dev server that loses the race to another program
 * fails with "port in use" and is given another one.
 */
export class PortAllocator {
  private readonly handedOut = new Set<number>();
  private cursor: number;

  constructor(
    private readonly host: string,
    private readonly range?: PortRange,
  ) {
    if (range && (range.from < 1 || range.to > 65535 || range.from > range.to)) {
      throw new SandboxError(
        'START_FAILED',
        `portRange ${range.from}-${range.to} is not a range of ports between 1 and 65535`,
      );
    }
    this.cursor = range?.from ?? 0;
  }

  async allocate(): Promise<number> {
    if (!this.range) {
      const port = await tryBind(this.host, 0);
      if (port === null) {
        throw new SandboxError('START_FAILED', `no free port on ${this.host}`);
      }
      this.handedOut.add(port);
      return port;
    }
    const size = this.range.to - this.range.from + 1;
    for (let tried = 0; tried < size; tried++) {
      const port = this.cursor;
      this.cursor = port >= this.range.to ? this.range.from : port + 1;
      if (this.handedOut.has(port)) {
        continue;
      }
      if ((await tryBind(this.host, port)) !== null) {
        this.handedOut.add(port);
        return port;
      }
    }
    throw new SandboxError(
      'START_FAILED',
      `no free port in ${this.range.from}-${this.range.to} (portRange) on ${this.host}`,
    );
  }

  release(port: number): void {
    this.handedOut.delete(port);
  }
}

/** Binds and releases a port; the port bound, or null when it is taken. */
function tryBind(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}
