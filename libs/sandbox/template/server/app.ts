import { Hono } from 'hono';
import { DatabaseUnavailableError, db } from './db';

/** The app's server routes, all under /api; the dev server and `npm start` both serve them. */
export const app = new Hono().basePath('/api');

app.get('/health', async (c) => {
  if (!process.env.DATABASE_URL) return c.json({ ok: true, database: false });
  await db()`select 1`;
  return c.json({ ok: true, database: true });
});

app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

app.onError((error, c) => {
  if (error instanceof DatabaseUnavailableError) {
    return c.json({ error: error.message, code: error.code }, 503);
  }
  console.error(error);
  return c.json({ error: error.message || 'internal error' }, 500);
});
