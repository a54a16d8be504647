import { type DemoPhaseRecording } from '../demo-recording';
import {
  ENTRY_COLUMNS,
  entriesDataModel,
  guestbookApp,
  guestbookEntryForm,
  guestbookServer,
} from './guestbook-files';

/** Guestbook, a follow-up: a mood on each entry, added by a second migration. */
export const GUESTBOOK_PHASE_2: DemoPhaseRecording = {
  design: {
    name: 'Moods on entries',
    description:
      'Phase 2: an entry can carry a mood, kept in a new column that a new migration (002) adds; entries signed before keep their text and get no mood. (A recorded follow-up, replayed by the offline demo model.)',
    files: [
      {
        path: 'db/migrations/002-add-mood-to-entries.sql',
        purpose: "Adds the mood column, '' for the entries already there",
      },
      {
        path: 'server/app.ts',
        purpose: 'The routes read and write the mood, and check it',
      },
      {
        path: 'src/types.ts',
        purpose: "The moods and the Entry's mood",
      },
      {
        path: 'src/components/EntryForm.tsx',
        purpose: 'A mood picker in the form',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Each entry shows its mood',
      },
    ],
    dependencies: [],
    lastPhase: true,
    dataModel: entriesDataModel([
      ...ENTRY_COLUMNS,
      { name: 'mood', type: "text not null default ''" },
    ]),
    routes: [
      {
        method: 'GET',
        path: '/api/entries',
        purpose: 'The entries, now with their mood',
      },
      {
        method: 'POST',
        path: '/api/entries',
        purpose: 'Signs the guestbook with an optional mood',
      },
    ],
  },
  implementation: `Offline demo model (forge-demo): replaying a recorded follow-up of the guestbook - a mood on each entry, added by a new migration.

cat > db/migrations/002-add-mood-to-entries.sql << 'EOF'
-- Entries written before moods existed keep working: their mood is ''.
alter table entries add column mood text not null default '';
EOF

cat > server/app.ts << 'EOF'
${guestbookServer(true)}EOF

cat > src/types.ts << 'EOF'
export const MOODS = ['happy', 'thankful', 'excited', 'curious'] as const;
export type Mood = (typeof MOODS)[number];

export const MOOD_EMOJI: Record<Mood, string> = {
  happy: '☺',
  thankful: '♥',
  excited: '★',
  curious: '?',
};

/** One guestbook entry, as the server sends it. */
export interface Entry {
  id: number;
  name: string;
  message: string;
  /** '' for entries written before moods existed, or signed without one. */
  mood: Mood | '';
  /** ISO 8601. */
  createdAt: string;
}

export interface NewEntry {
  name: string;
  message: string;
  mood: Mood | '';
}
EOF

cat > src/components/EntryForm.tsx << 'EOF'
${guestbookEntryForm(true)}EOF

cat > src/App.tsx << 'EOF'
${guestbookApp(true)}EOF

Entries now carry a mood; the new migration 002 adds the column and the entries already signed keep theirs. (Replayed by the offline demo model.)
`,
};
