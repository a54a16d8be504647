import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { apiRoutes } from './tools/vite-api-plugin.ts';

// Forge runs this dev server inside a sandbox, behind a preview proxy on another origin, so
// where it listens and where the browser finds its hot-reload websocket come from the
// environment. With no FORGE_HMR_* set, the browser opens the websocket on the page's own
// host and port, which is the proxy's: that is what the preview proxy expects.
const env = process.env;

function numberFrom(name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}"`);
  }
  return parsed;
}

export default defineConfig({
  // apiRoutes: the app's server routes (server/app.ts) under /api on this same origin.
  plugins: [react(), tailwindcss(), apiRoutes()],
  server: {
    host: env.FORGE_DEV_HOST || '127.0.0.1',
    port: numberFrom('FORGE_DEV_PORT') ?? 5173,
    strictPort: true,
    ws: {
      clientPort: numberFrom('FORGE_HMR_CLIENT_PORT'),
      path: env.FORGE_HMR_PATH || undefined,
      host: env.FORGE_HMR_HOST || undefined,
      protocol: env.FORGE_HMR_PROTOCOL || undefined,
    },
    // Compile the entry points while the browser is still on its way.
    warmup: { clientFiles: ['./index.html', './src/main.tsx', './src/App.tsx'] },
  },
});
