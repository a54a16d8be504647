import { type DemoPhaseRecording } from '../demo-recording';
import { todoApp, todoHook } from './todo-files';

/** Todo list, phase 2: the design answer and the SCOF answer, byte for byte. */
export const TODO_PHASE_2: DemoPhaseRecording = {
  design: {
    name: 'Todo list',
    description:
      'Phase 2 of 2: filters (all, active, done), a counter of items left, clearing done todos, and saving the list to localStorage. (A recorded generation, replayed by the offline demo model.)',
    files: [
      {
        path: 'src/storage.ts',
        purpose: 'Load and save todos in localStorage, ignoring malformed data',
      },
      {
        path: 'src/hooks/useTodos.ts',
        purpose: 'Todo state, now loaded from and saved to storage, with clearDone',
      },
      {
        path: 'src/components/TodoFilters.tsx',
        purpose: 'Items-left counter, filter buttons and Clear done',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Adds the filter state and the filter bar',
      },
    ],
    dependencies: [],
    lastPhase: true,
  },
  implementation: String.raw`Offline demo model (forge-demo): replaying a recorded generation of a todo list, phase 2 of 2 - filters and localStorage persistence.

cat > src/storage.ts << 'EOF'
import type { Todo } from './types';

const STORAGE_KEY = 'forge-demo-todos';

function isTodo(value: unknown): value is Todo {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'title' in value &&
    typeof value.title === 'string' &&
    'done' in value &&
    typeof value.done === 'boolean'
  );
}

// Stored data may come from an older version or be edited by hand: keep the well-formed todos.
export function loadTodos(): Todo[] {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (raw === null) return [];
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isTodo) : [];
  } catch {
    return [];
  }
}

export function saveTodos(todos: Todo[]): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(todos));
  } catch {
    // Storage may be full or disabled; the list still works for this visit.
  }
}
EOF

cat > src/hooks/useTodos.ts << 'EOF'
${todoHook(true)}EOF

cat > src/components/TodoFilters.tsx << 'EOF'
export type Filter = 'all' | 'active' | 'done';

const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'done', label: 'Done' },
];

interface TodoFiltersProps {
  filter: Filter;
  remaining: number;
  hasDone: boolean;
  onFilterChange: (filter: Filter) => void;
  onClearDone: () => void;
}

export function TodoFilters({
  filter,
  remaining,
  hasDone,
  onFilterChange,
  onClearDone,
}: TodoFiltersProps) {
  return (
    <div className="flex items-center justify-between gap-2 text-sm text-slate-500">
      <span>{remaining === 1 ? '1 item left' : remaining + ' items left'}</span>
      <div className="flex gap-1" role="group" aria-label="Show">
        {FILTERS.map(({ value, label }) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter === value}
            onClick={() => onFilterChange(value)}
            className={
              filter === value
                ? 'rounded px-2 py-1 bg-indigo-100 text-indigo-700'
                : 'rounded px-2 py-1 hover:bg-slate-200'
            }
          >
            {label}
          </button>
        ))}
      </div>
      <button
        type="button"
        onClick={onClearDone}
        disabled={!hasDone}
        className="hover:text-red-600 disabled:invisible"
      >
        Clear done
      </button>
    </div>
  );
}
EOF

cat > src/App.tsx << 'EOF'
${todoApp(true)}EOF

The todo list is complete: filters, a counter, Clear done, and the list survives a reload. (Replayed by the offline demo model.)
`,
};
