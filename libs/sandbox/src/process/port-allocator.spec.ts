import { createServer, type Server } from 'node:net';
import { isSandboxError } from '../core/sandbox-error';
import { PortAllocator } from './port-allocator';

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function freeRange(size: number): Promise<number> {
  // A base port with `size` free ports after it, found by trying.
  for (let base = 42000 + (process.pid % 1000) * 10; base < 60000; base += size) {
    const allocator = new PortAllocator('127.0.0.1', { from: base, to: base + size - 1 });
    const ports = await Promise.all(Array.from({ length: size }, () => allocator.allocate())).catch(
      () => [],
    );
    if (ports.length === size && ports.every((port, index) => port === base + index)) {
      return base;
    }
  }
  throw new Error('no free range of ports found');
}

describe(PortAllocator.name, () => {
  it('hands out distinct ports from its range, skipping busy ones, and says when none is left', async () => {
    const base = await freeRange(3);
    const busy = await occupy(base + 1);
    try {
      const allocator = new PortAllocator('127.0.0.1', { from: base, to: base + 2 });
      await expect(allocator.allocate()).resolves.toBe(base);
      await expect(allocator.allocate()).resolves.toBe(base + 2);
      const error = await allocator.allocate().catch((caught: unknown) => caught);
      expect(isSandboxError(error, 'START_FAILED')).toBe(true);
      expect((error as Error).message).toContain('portRange');
      allocator.release(base);
      await expect(allocator.allocate()).resolves.toBe(base);
    } finally {
      busy.close();
    }
  });

  it('lets the system pick a port without a range', async () => {
    const allocator = new PortAllocator('127.0.0.1');
    const [a, b] = [await allocator.allocate(), await allocator.allocate()];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('refuses a range that is not one', () => {
    expect(() => new PortAllocator('127.0.0.1', { from: 5000, to: 4000 })).toThrow(/portRange/);
  });
});
