import { type DemoPhaseRecording } from '../demo-recording';

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
import { useEffect, useState } from 'react';
import { loadTodos, saveTodos } from '../storage';
import type { Todo } from '../types';

// crypto.randomUUID needs a secure context, which a preview on a plain http origin is not.
function newId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
}

export function useTodos() {
  const [todos, setTodos] = useState<Todo[]>(loadTodos);

  useEffect(() => {
    saveTodos(todos);
  }, [todos]);

  const addTodo = (title: string) => {
    const trimmed = title.trim();
    if (trimmed === '') return;
    setTodos((current) => [...current, { id: newId(), title: trimmed, done: false }]);
  };

  const toggleTodo = (id: string) => {
    setTodos((current) =>
      current.map((todo) => (todo.id === id ? { ...todo, done: !todo.done } : todo)),
    );
  };

  const removeTodo = (id: string) => {
    setTodos((current) => current.filter((todo) => todo.id !== id));
  };

  const clearDone = () => {
    setTodos((current) => current.filter((todo) => !todo.done));
  };

  return { todos, addTodo, toggleTodo, removeTodo, clearDone };
}
EOF

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
import { useState } from 'react';
import { NewTodoForm } from './components/NewTodoForm';
import { TodoFilters, type Filter } from './components/TodoFilters';
import { TodoItem } from './components/TodoItem';
import { useTodos } from './hooks/useTodos';
import { SUBTITLE } from './subtitle';

export default function App() {
  const { todos, addTodo, toggleTodo, removeTodo, clearDone } = useTodos();
  const [filter, setFilter] = useState<Filter>('all');

  const visible = todos.filter((todo) => filter === 'all' || (filter === 'done') === todo.done);
  const remaining = todos.filter((todo) => !todo.done).length;

  return (
    <main className="min-h-screen bg-slate-100 px-4 py-12">
      <div className="mx-auto max-w-md space-y-6">
        <header>
          <h1 className="text-3xl font-bold text-slate-900">Todo list</h1>
          <p className="mt-1 text-slate-500">{SUBTITLE}</p>
        </header>
        <NewTodoForm onAdd={addTodo} />
        {todos.length === 0 ? (
          <p className="text-center text-slate-400">Nothing to do yet. Add your first todo above.</p>
        ) : (
          <>
            <ul className="space-y-2">
              {visible.map((todo) => (
                <TodoItem key={todo.id} todo={todo} onToggle={toggleTodo} onRemove={removeTodo} />
              ))}
            </ul>
            {visible.length === 0 && (
              <p className="text-center text-slate-400">No {filter} todos.</p>
            )}
            <TodoFilters
              filter={filter}
              remaining={remaining}
              hasDone={remaining < todos.length}
              onFilterChange={setFilter}
              onClearDone={clearDone}
            />
          </>
        )}
      </div>
    </main>
  );
}
EOF

The todo list is complete: filters, a counter, Clear done, and the list survives a reload. (Replayed by the offline demo model.)
`,
};
