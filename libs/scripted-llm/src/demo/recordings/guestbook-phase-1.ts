import { type DemoPhaseRecording } from '../demo-recording';
import {
  ENTRY_COLUMNS,
  entriesDataModel,
  guestbookApp,
  guestbookEntryForm,
  guestbookServer,
} from './guestbook-files';

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
    dataModel: entriesDataModel(ENTRY_COLUMNS),
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
${guestbookServer(false)}EOF

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
${guestbookEntryForm(false)}EOF

cat > src/App.tsx << 'EOF'
${guestbookApp(false)}EOF

The guestbook is written: entries are signed through POST /api/entries and kept in the entries table. (Replayed by the offline demo model.)
`,
};
