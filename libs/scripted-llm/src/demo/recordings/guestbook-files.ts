// The files of the guestbook that its follow-up (phase 2) writes again, each as one text in which
// the follow-up's moods are the only difference. Replayed byte for byte: mind every character.
import { type DataModel, type DataTable } from '@forge/protocol';

/** The entries table's columns as phase 1 creates them; the follow-up adds the mood. */
export const ENTRY_COLUMNS: DataTable['fields'] = [
  { name: 'id', type: 'serial primary key' },
  { name: 'name', type: 'text not null' },
  { name: 'message', type: 'text not null' },
  { name: 'created_at', type: 'timestamptz not null default now()' },
];

/** The design's data model: the entries table with these columns. */
export function entriesDataModel(fields: DataTable['fields']): DataModel {
  return { tables: [{ name: 'entries', purpose: 'One signature of the guestbook', fields }] };
}

const MOODS_LIST = "const MOODS = ['', 'happy', 'thankful', 'excited', 'curious'];\n";

const MOOD_CHECK = `  const mood = typeof fields.mood === 'string' ? fields.mood : '';
  if (!MOODS.includes(mood)) {
    return c.json({ error: \`a mood is one of: \${MOODS.filter(Boolean).join(', ')}\` }, 400);
  }
`;

const MOOD_STATE = "  const [mood, setMood] = useState<Mood | ''>('');\n";

const MOOD_PICKER = `      <select
        value={mood}
        onChange={(event) => setMood(event.target.value as Mood | '')}
        aria-label="Mood"
        className="mr-2 rounded-lg border border-slate-300 bg-white px-3 py-2 focus:border-emerald-500 focus:outline-none"
      >
        <option value="">No mood</option>
        {MOODS.map((choice) => (
          <option key={choice} value={choice}>
            {MOOD_EMOJI[choice]} {choice}
          </option>
        ))}
      </select>
`;

const ENTRY_MESSAGE = '                <p className="text-slate-800">{entry.message}</p>\n';

const ENTRY_WITH_MOOD = `                <p className="text-slate-800">
                  {entry.mood && (
                    <span className="mr-2" title={entry.mood} aria-label={\`mood: \${entry.mood}\`}>
                      {MOOD_EMOJI[entry.mood]}
                    </span>
                  )}
                  {entry.message}
                </p>
`;

/** server/app.ts: the health route and the entries' routes; `moods` adds the mood column. */
export function guestbookServer(moods: boolean): string {
  return `import { Hono } from 'hono';
import { DatabaseUnavailableError, db } from './db';

/** The app's server routes, all under /api; the dev server and \`npm start\` both serve them. */
export const app = new Hono().basePath('/api');

const NAME_MAX = 60;
const MESSAGE_MAX = 500;
const LIST_LIMIT = 100;
${moods ? MOODS_LIST : ''}
app.get('/health', async (c) => {
  if (!process.env.DATABASE_URL) return c.json({ ok: true, database: false });
  await db()\`select 1\`;
  return c.json({ ok: true, database: true });
});

app.get('/entries', async (c) => {
  const entries = await db()\`
    select id, name, message, ${moods ? 'mood, ' : ''}created_at as "createdAt"
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
${moods ? MOOD_CHECK : ''}  const [entry] = await db()\`
    insert into entries (name, message${moods ? ', mood' : ''})
    values (\${name}, \${message}${moods ? ', ${mood}' : ''})
    returning id, name, message, ${moods ? 'mood, ' : ''}created_at as "createdAt"
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
`;
}

/** src/components/EntryForm.tsx: name and message, and with `moods` a mood picker. */
export function guestbookEntryForm(moods: boolean): string {
  return `import { useState } from 'react';
${moods ? "import { MOOD_EMOJI, MOODS, type Mood, type NewEntry } from '../types';" : "import type { NewEntry } from '../types';"}

interface EntryFormProps {
  onSign: (entry: NewEntry) => Promise<void>;
}

export function EntryForm({ onSign }: EntryFormProps) {
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
${moods ? MOOD_STATE : ''}  const [saving, setSaving] = useState(false);
  const empty = name.trim() === '' || message.trim() === '';

  return (
    <form
      className="space-y-3 rounded-xl bg-white p-4 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        if (empty || saving) return;
        setSaving(true);
        onSign({ name, message${moods ? ', mood' : ''} })
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
${moods ? MOOD_PICKER : ''}      <button
        type="submit"
        disabled={empty || saving}
        className="rounded-lg bg-emerald-600 px-4 py-2 font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
      >
        {saving ? 'Signing…' : 'Sign the guestbook'}
      </button>
    </form>
  );
}
`;
}

/** src/App.tsx: heading, form, errors and the entries, each with its mood when `moods`. */
export function guestbookApp(moods: boolean): string {
  return `import { useEffect, useState } from 'react';
import { addEntry, listEntries } from './api';
import { EntryForm } from './components/EntryForm';
import { SUBTITLE } from './subtitle';
${moods ? "import { MOOD_EMOJI, type Entry, type NewEntry } from './types';" : "import type { Entry, NewEntry } from './types';"}

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
${moods ? ENTRY_WITH_MOOD : ENTRY_MESSAGE}                <p className="mt-2 text-sm text-slate-500">
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
`;
}
