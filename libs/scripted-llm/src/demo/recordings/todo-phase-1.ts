import { type DemoPhaseRecording } from '../demo-recording';
import { todoApp, todoHook } from './todo-files';

/** Todo list, phase 1: the design answer and the SCOF answer, byte for byte. */
export const TODO_PHASE_1: DemoPhaseRecording = {
  design: {
    name: 'Todo list',
    description:
      'Phase 1 of 2: the page layout, the todo state and the list, where todos are added, ticked off and deleted. (A recorded generation, replayed by the offline demo model.)',
    files: [
      {
        path: 'src/types.ts',
        purpose: 'The Todo type',
      },
      {
        path: 'src/subtitle.ts',
        purpose: 'The subtitle under the heading',
      },
      {
        path: 'src/hooks/useTodos.ts',
        purpose: 'Todo state: add, toggle and remove',
      },
      {
        path: 'src/components/NewTodoForm.tsx',
        purpose: 'Text field and button that add a todo',
      },
      {
        path: 'src/components/TodoItem.tsx',
        purpose: 'One todo with its checkbox and delete button',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Page layout: heading, subtitle, form and list',
      },
    ],
    dependencies: [],
    lastPhase: false,
    title: 'Todo list',
    blueprint: {
      title: 'Todo list',
      summary:
        "A small todo list: add todos, tick them off, delete them, filter them by status and keep them across reloads. This is a recorded generation replayed by Forge's offline demo model, not a live answer.",
      views: [
        'Todo list: heading, new-todo form, the todos, filters and a counter of what is left',
      ],
      roadmap: [
        'Phase 1: layout, todo state and the list',
        'Phase 2: filters, a counter of items left, clearing done todos and saving to localStorage',
      ],
    },
  },
  implementation: String.raw`Offline demo model (forge-demo): replaying a recorded generation of a todo list, phase 1 of 2 - the layout, the todo state and the list.

cat > src/types.ts << 'EOF'
export interface Todo {
  id: string;
  title: string;
  done: boolean;
}
EOF

cat > src/subtitle.ts << 'EOF'
// The line under the heading, kept apart so a small request can change it alone.
export const SUBTITLE = 'Write it down, tick it off.';
EOF

cat > src/hooks/useTodos.ts << 'EOF'
${todoHook(false)}EOF

cat > src/components/NewTodoForm.tsx << 'EOF'
import { useState } from 'react';

interface NewTodoFormProps {
  onAdd: (title: string) => void;
}

export function NewTodoForm({ onAdd }: NewTodoFormProps) {
  const [title, setTitle] = useState('');
  const empty = title.trim() === '';

  return (
    <form
      className="flex gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (empty) return;
        onAdd(title);
        setTitle('');
      }}
    >
      <input
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        placeholder="What needs doing?"
        aria-label="New todo"
        className="flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 focus:border-indigo-500 focus:outline-none"
      />
      <button
        type="submit"
        disabled={empty}
        className="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        Add
      </button>
    </form>
  );
}
EOF

cat > src/components/TodoItem.tsx << 'EOF'
import type { Todo } from '../types';

interface TodoItemProps {
  todo: Todo;
  onToggle: (id: string) => void;
  onRemove: (id: string) => void;
}

export function TodoItem({ todo, onToggle, onRemove }: TodoItemProps) {
  return (
    <li className="flex items-center gap-3 rounded-lg bg-white px-3 py-2 shadow-sm">
      <input
        type="checkbox"
        checked={todo.done}
        onChange={() => onToggle(todo.id)}
        aria-label={'Mark "' + todo.title + '" as done'}
        className="h-4 w-4 accent-indigo-600"
      />
      <span className={todo.done ? 'flex-1 text-slate-400 line-through' : 'flex-1 text-slate-800'}>
        {todo.title}
      </span>
      <button
        type="button"
        onClick={() => onRemove(todo.id)}
        aria-label={'Delete "' + todo.title + '"'}
        className="text-sm text-slate-400 hover:text-red-600"
      >
        Delete
      </button>
    </li>
  );
}
EOF

cat > src/App.tsx << 'EOF'
${todoApp(false)}EOF

Phase 1 is written: todos can be added, ticked off and deleted. Phase 2 adds filters and keeps the list in localStorage. (Replayed by the offline demo model.)
`,
};
