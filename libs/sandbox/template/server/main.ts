import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { app } from './app';

// `npm run build && npm start`: the built page from dist/ and the routes under /api, one origin.
const web = new Hono();
web.use('*', serveStatic({ root: './dist' }));
web.get('*', serveStatic({ path: './dist/index.html' }));

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '0.0.0.0';

serve(
  {
    fetch: (request) => {
      const path = new URL(request.url).pathname;
      return path === '/api' || path.startsWith('/api/') ? app.fetch(request) : web.fetch(request);
    },
    port,
    hostname,
  },
  (address) => console.log(`listening on http://${hostname}:${address.port}`),
);
