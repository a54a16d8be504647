import { posix } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Plugin } from 'vite';

/** Where the server routes are: a module whose `app` export is a Hono app. */
const SERVER_ENTRY = '/server/app.ts';

interface ServerModule {
  app: { fetch: (request: Request) => Response | Promise<Response> };
}

/** True for /api and anything under /api/. */
export function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return path === '/api' || path.startsWith('/api/');
}

/** Server code, migrations and these tools run on the server only; the browser never gets them. */
const SERVER_ONLY = ['server', 'db', 'tools'];

/** True for a URL of a file under server/, db/ or tools/, also by /@fs/ or percent-encoded. */
export function isServerOnlyPath(url: string, root: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?', 1)[0] ?? '');
  } catch {
    return true;
  }
  const inRoot = posix.normalize(
    path.startsWith('/@fs/') ? path.slice('/@fs'.length) : `${root}/${path}`,
  );
  return SERVER_ONLY.some((dir) => inRoot.startsWith(`${root}/${dir}/`));
}

/**
 * Serves the app's server routes (/api/*) from the dev server itself, one origin with the page.
 * The server code is loaded through Vite on each request, so an edit under server/ takes effect
 * on the next request, as a page edit does.
 */
export function apiRoutes(): Plugin {
  return {
    name: 'forge-api-routes',
    apply: 'serve',
    configureServer(server) {
      const listener = getRequestListener(async (request) => {
        let module: ServerModule;
        try {
          module = (await server.ssrLoadModule(SERVER_ENTRY)) as ServerModule;
        } catch (error) {
          // A broken server file: said in the dev server's output, where Forge's checks read it.
          if (error instanceof Error) server.ssrFixStacktrace(error);
          server.config.logger.error(`[api] ${SERVER_ENTRY} failed to load: ${String(error)}`);
          const message = error instanceof Error ? error.message : String(error);
          return Response.json(
            { error: `the server code failed to load: ${message}` },
            { status: 500 },
          );
        }
        return module.app.fetch(request);
      });
      server.middlewares.use((req, res, next) => {
        if (req.url && isServerOnlyPath(req.url, server.config.root)) {
          res.statusCode = 404;
          res.end();
          return;
        }
        if (!req.url || !isApiPath(req.url)) {
          next();
          return;
        }
        listener(req, res).catch(next);
      });
    },
  };
}
