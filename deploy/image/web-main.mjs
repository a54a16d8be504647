// The web image's server: Angular's built files with the SPA fallback, /api and /socket.io
// (websockets included) passed to API_URL. Reuses scripts/lib/web-server.mjs from `npm start`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebServer } from './web-server.mjs';

const host = process.env.WEB_HOST || '0.0.0.0';
const port = Number(process.env.WEB_PORT || 3000);
const apiUrl = process.env.API_URL || 'http://api:3001';
const root = process.env.WEB_ROOT || join(dirname(fileURLToPath(import.meta.url)), 'browser');

if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`web: WEB_PORT=${JSON.stringify(process.env.WEB_PORT)} must be a port (1-65535)`);
  process.exit(1);
}
try {
  new URL(apiUrl);
} catch {
  console.error(`web: API_URL=${JSON.stringify(apiUrl)} must be a URL such as http://api:3001`);
  process.exit(1);
}

const server = createWebServer({ root, apiUrl });
server.listen(port, host, () =>
  console.log(`web: serving ${root} on http://${host}:${port}, API at ${apiUrl}`),
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
