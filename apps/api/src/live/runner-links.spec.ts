import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { createServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { RUNNER_LINK_PATH, type ServerEvent } from '@forge/protocol';
import { loadApiConfig } from '../config/api-config';
import { RunnerLinks } from './runner-links';

const PROJECT = '11111111-1111-4111-8111-111111111111';
const TOKEN = 't'.repeat(32);

/** A runner that answers hello and preview, and sends whatever a test hands it as `events`. */
async function startFakeRunner(previewReply: unknown) {
  const http: HttpServer = createServer();
  const io = new Server(http, { path: RUNNER_LINK_PATH, transports: ['websocket'] });
  io.on('connection', (socket) => {
    socket.on('hello', (_payload: unknown, ack: (reply: unknown) => void) =>
      ack({ ok: true, runnerId: 'fake-runner' }),
    );
    socket.on('preview', (_payload: unknown, ack: (reply: unknown) => void) => ack(previewReply));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    send: (batch: unknown) => io.emit('events', batch),
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(RunnerLinks.name, () => {
  let runner: Awaited<ReturnType<typeof startFakeRunner>>;
  let links: RunnerLinks;
  const received: ServerEvent[] = [];
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    runner = await startFakeRunner({ ok: true, url: 42 });
    const config = loadApiConfig({
      DATABASE_URL: 'postgres://forge@db:5432/forge',
      AUTH_SECRET: 'x'.repeat(32),
      APPS_DATABASE_KEY: 'k'.repeat(32),
      NODE_ENV: 'test',
      RUNNER_URLS: runner.url,
      RUNNER_SERVICE_TOKEN: TOKEN,
    });
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    links = new RunnerLinks(config);
    links.onEvent((event) => received.push(event));
    links.onModuleInit();
    await until(() => links.up().length === 1);
  });

  afterAll(async () => {
    links.onApplicationShutdown();
    await runner.close();
    warn.mockRestore();
  });

  const event = (seq: number): ServerEvent => ({
    type: 'log',
    projectId: PROJECT,
    seq,
    stream: 'system',
    text: `line ${seq}`,
  });

  it('drops an invalid event with a warning naming it, and passes the others on', async () => {
    received.length = 0;
    warn.mockClear();
    runner.send([event(1), { ...event(2), stream: 'shout' }, event(3)]);
    await until(() => received.length === 2);
    expect(received).toEqual([event(1), event(3)]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^dropped an invalid event from http:.*: log: stream: /),
    );
  });

  it('never passes junk on, nor fails on it (property)', async () => {
    let seq = 10;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 4 }), async (a, b) => {
        received.length = 0;
        const sentinel = event(++seq);
        runner.send(a);
        runner.send(b);
        runner.send([sentinel]);
        await until(() => received.length > 0);
        expect(received).toEqual([sentinel]);
      }),
      { numRuns: 50 },
    );
    expect(links.up()).toHaveLength(1);
  });

  it('refuses a reply without what the command answers', async () => {
    await expect(links.request(links.up()[0]!, 'preview', { projectId: PROJECT })).rejects.toThrow(
      /answered preview with an unexpected shape: url: /,
    );
  });
});
