import { type DemoPhaseRecording } from '../demo-recording';

/** Guestbook, phase 1: a table, its routes and the page; the design answer and the SCOF answer. */
export const GUESTBOOK_PHASE_1: DemoPhaseRecording = {
  design: {
    name: 'Guestbook',
    description:
      "Phase 1 of 1: a guestbook kept in the app's own PostgreSQL database: the entries table (a migration), routes to list and sign it, and the page with its form and the entries. (A recorded generation, replayed by the offline demo model.)",
    files: [
      {
        path: 'db/migrations/001-create-entries.sql',
        purpose: 'Creates the entries table',
      },
      {
        path: 'server/app.ts',
        purpose: 'Routes: GET and POST /api/entries',
      },
      {
        path: 'src/types.ts',
        purpose: 'The Entry type, shared by the page and the server',
      },
      {
        path: 'src/api.ts',
        purpose: "The page's fetch layer for /api/entries",
      },
      {
        path: 'src/subtitle.ts',
        purpose: 'The subtitle under the heading',
      },
      {
        path: 'src/components/EntryForm.tsx',
        purpose: 'Name and message fields and the sign button',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Page layout: heading, subtitle, form, errors and the entries',
      },
    ],
    dependencies: [],
    lastPhase: true,
    dataModel: {
      tables: [
        {
          name: 'entries',
          purpose: 'One signature of the guestbook',
          fields: [
            {
              name: 'id',
              type: 'serial primary key',
            },
            {
              name: 'name',
              type: 'text not null',
            },
            {
              name: 'message',
              type: 'text not null',
            },
            {
              name: 'created_at',
              type: 'timestamptz not null default now()',
            },
          ],
        },
      ],
    },
    routes: [
      {
        method: 'GET',
        path: '/api/entries',
        purpose: 'The newest 100 entries, newest first',
      },
      {
        method: 'POST',
        path: '/api/entries',
        purpose: 'Signs the guestbook: a name and a message, checked',
      },
    ],
    blueprint: {
      title: 'Guestbook',
      summary:
        "A guestbook whose entries live in the app's own PostgreSQL database, shared by everyone who opens it. This is a recorded generation replayed by Forge's offline demo model, not a live answer.",
      views: ['Guestbook: heading, the sign form (name and message) and the entries, newest first'],
      roadmap: [
        'Phase 1: the entries table, the /api/entries routes and the page',
        'A follow-up adds a mood to each entry through a new migration',
      ],
    },
  },
  implementation: `Offline demo model (forge-demo): replaying a recorded generation of a guestbook kept in the app's own database - a table, two routes and the page.

cat > db/migrations/001-create-entries.sql << 'EOF'
create table entries (
  id serial primary key,
  name text not null,
  message text not null,
  created_at timestamptz not null default now()
);
EOF

cat > server/app.ts << 'EOF'
import { Hono } from 'hono';
import { DatabaseUnavailableError, db } from './db';

/** The app's server routes, all under /api; the dev server and \`npm start\` both serve them. */
export const app = new Hono().basePath('/api');

const NAME_MAX = 60;
const MESSAGE_MAX = 500;
const LIST_LIMIT = 100;

app.get('/health', async (c) => {
  if (!process.env.DATABASE_URL) return c.json({ ok: true, database: false });
  await db()\`select 1\`;
  return c.json({ ok: true, database: true });
});

app.get('/entries', async (c) => {
  const entries = await db()\`
    select id, name, message, created_at as "createdAt"
    from entries
    order by id desc
    limit \${LIST_LIMIT}
  \`;
  return c.json(entries);
});

app.post('/entries', async (c) => {
  const body: unknown = await c.req.json().catch(() => null);
  const fields = (body ?? {}) as Record<string, unknown>;
  const name = typeof fields.name === 'string' ? fields.name.trim() : '';
  const message = typeof fields.message === 'string' ? fields.message.trim() : '';
  if (name === '' || name.length > NAME_MAX) {
    return c.json({ error: \`a name of 1 to \${NAME_MAX} characters, please\` }, 400);
  }
  if (message === '' || message.length > MESSAGE_MAX) {
    return c.json({ error: \`a message of 1 to \${MESSAGE_MAX} characters, please\` }, 400);
  }
  const [entry] = await db()\`
    insert into entries (name, message)
    values (\${name}, \${message})
    returning id, name, message, created_at as "createdAt"
  \`;
  return c.json(entry, 201);
});

app.notFound((c) => c.json({ error: \`no route for \${c.req.method} \${c.req.path}\` }, 404));

app.onError((error, c) => {
  if (error instanceof DatabaseUnavailableError) {
    return c.json({ error: error.message, code: error.code }, 503);
  }
  console.error(error);
  return c.json({ error: error.message || 'internal error' }, 500);
});
EOF

cat > src/types.ts << 'EOF'
/** One guestbook entry, as the server sends it. */
export interface Entry {
  id: number;
  name: string;
  message: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface NewEntry {
  name: string;
  message: string;
}
EOF

cat > src/api.ts << 'EOF'
import type { Entry, NewEntry } from './types';

/** The page's only way to the server: relative URLs, on the page's own origin. */
async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new Error(typeof error === 'string' ? error : \`the server answered \${response.status}\`);
  }
  return body as T;
}

export function listEntries(): Promise<Entry[]> {
  return request<Entry[]>('/api/entries');
}

export function addEntry(entry: NewEntry): Promise<Entry> {
  return request<Entry>('/api/entries', { method: 'POST', body: JSON.stringify(entry) });
}
EOF

cat > src/subtitle.ts << 'EOF'
// The line under the heading, kept apart so a small request can change it alone.
export const SUBTITLE = 'Leave a note for everyone who comes by.';
EOF

cat > src/components/EntryForm.tsx << 'EOF'
import { useState } from 'react';
import type { NewEntry } from '../types';

interface EntryFormProps {
  onSign: (entry: NewEntry) => Promise<void>;
}

export function EntryForm({ onSign }: EntryFormProps) {
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const empty = name.trim() === '' || message.trim() === '';

  return (
    <form
      className="space-y-3 rounded-xl bg-white p-4 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        if (empty || saving) return;
        setSaving(true);
        onSign({ name, message })
          .then(() => setMessage(''))
          .catch(() => undefined)
          .finally(() => setSaving(false));
      }}
    >
      <input
        value={name}
        onChange={(event) => setName(event.target.value)}
        placeholder="Your name"
        aria-label="Your name"
        maxLength={60}
        className="w-full rounded-lg border border-slate-300 px-3 py-2 focus:border-emerald-500 focus:outline-none"
      />
      <textarea
        value={message}
        onChange={(event) => setMessage(event.target.value)}
        placeholder="Say something nice"
        aria-label="Message"
        maxLength={500}
        rows={3}
        className="w-full rounded-lg border border-slate-300 px-3 py-2 focus:border-emerald-500 focus:outline-none"
      />
      <button
        type="submit"
        disabled={empty || saving}
        className="rounded-lg bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
      >
        {saving ? 'Signing…' : 'Sign the guestbook'}
      </button>
    </form>
  );
}
EOF

cat > src/App.tsx << 'EOF'
import { useEffect, useState } from 'react';
import { addEntry, listEntries } from './api';
import { EntryForm } from './components/EntryForm';
import { SUBTITLE } from './subtitle';
import type { Entry, NewEntry } from './types';

export default function App() {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listEntries()
      .then(setEntries)
      .catch((reason: Error) => setError(reason.message));
  }, []);

  const sign = async (entry: NewEntry) => {
    try {
      const saved = await addEntry(entry);
      setEntries((current) => [saved, ...(current ?? [])]);
      setError(null);
    } catch (reason) {
      setError((reason as Error).message);
      throw reason;
    }
  };

  return (
    <main className="min-h-screen bg-emerald-50 px-4 py-12">
      <div className="mx-auto max-w-lg space-y-6">
        <header>
          <h1 className="text-3xl font-bold text-slate-900">Guestbook</h1>
          <p className="mt-1 text-slate-500">{SUBTITLE}</p>
        </header>
        <EntryForm onSign={sign} />
        {error && (
          <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-red-700">
            {error}
          </p>
        )}
        {entries === null ? (
          <p className="text-center text-slate-400">Loading the guestbook…</p>
        ) : entries.length === 0 ? (
          <p className="text-center text-slate-400">No entries yet. Be the first to sign.</p>
        ) : (
          <ul className="space-y-3" aria-label="Entries">
            {entries.map((entry) => (
              <li key={entry.id} className="rounded-xl bg-white p-4 shadow-sm">
                <p className="text-slate-800">{entry.message}</p>
                <p className="mt-2 text-sm text-slate-500">
                  {entry.name} · {new Date(entry.createdAt).toLocaleString()}
                </p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}
EOF

The guestbook is written: entries are signed through POST /api/entries and kept in the entries table. (Replayed by the offline demo model.)
`,
};
