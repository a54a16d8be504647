import { type AddressInfo } from 'node:net';
import { type Server } from 'node:http';

/** The preview token secret the preview specs sign their links with. */
export const PREVIEW_TEST_SECRET = 'preview-test-secret-0123456789-abcdefghij';

/** Listens on a free loopback port and answers it. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** Closes the server and every connection it still has. */
export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
