import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_DIR } from '../core/template';

/**
 * The starter's vite.config.ts with one more route, /__database-url, that answers the
 * DATABASE_URL the dev server was given: for tests of the app's own variables.
 */
export function databaseUrlViteConfig(): string {
  return readFileSync(join(TEMPLATE_DIR, 'vite.config.ts'), 'utf8').replace(
    'plugins: [react(), tailwindcss(), apiRoutes()],',
    `plugins: [
    react(),
    tailwindcss(),
    apiRoutes(),
    {
      name: 'database-url',
      configureServer(server) {
        server.middlewares.use('/__database-url', (_req, res) => {
          res.end(process.env.DATABASE_URL ?? 'unset');
        });
      },
    },
  ],`,
  );
}
