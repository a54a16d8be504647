// What this machine alone costs: the round trip of one small TCP message between two Node
// processes that sleep between messages, as the link's processes do between chunks. Virtual
// machines often take far longer to wake an idle process than to run it.
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { percentile } from './measure.mjs';

if (process.argv[2] === 'echo') {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (data) => socket.write(data));
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}

/** Round-trip times in ms of `count` one-byte messages sent `intervalMs` apart. */
export async function idleRoundTrips(intervalMs, count = 300) {
  const echo = fork(new URL(import.meta.url).pathname, ['echo']);
  try {
    const port = await new Promise((resolve) => echo.once('message', resolve));
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    const times = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      socket.write('x');
      await new Promise((resolve) => socket.once('data', resolve));
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    socket.destroy();
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    echo.kill();
  }
}
