// The files of the todo list that its phase 2 writes again, each as one text in which what phase
// 2 adds is the only difference. Replayed byte for byte: mind every character.

const STORED_IMPORTS = `import { useEffect, useState } from 'react';
import { loadTodos, saveTodos } from '../storage';
`;

const STORED_STATE = `  const [todos, setTodos] = useState<Todo[]>(loadTodos);

  useEffect(() => {
    saveTodos(todos);
  }, [todos]);
`;

const CLEAR_DONE = `  const clearDone = () => {
    setTodos((current) => current.filter((todo) => !todo.done));
  };

  return { todos, addTodo, toggleTodo, removeTodo, clearDone };
`;

const FILTER_IMPORTS = `import { useState } from 'react';
import { NewTodoForm } from './components/NewTodoForm';
import { TodoFilters, type Filter } from './components/TodoFilters';
`;

const FILTER_STATE = `  const { todos, addTodo, toggleTodo, removeTodo, clearDone } = useTodos();
  const [filter, setFilter] = useState<Filter>('all');

  const visible = todos.filter((todo) => filter === 'all' || (filter === 'done') === todo.done);
  const remaining = todos.filter((todo) => !todo.done).length;
`;

const PLAIN_LIST = `          <ul className="space-y-2">
            {todos.map((todo) => (
              <TodoItem key={todo.id} todo={todo} onToggle={toggleTodo} onRemove={removeTodo} />
            ))}
          </ul>
`;

const FILTERED_LIST = `          <>
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
`;

/** src/hooks/useTodos.ts: add, toggle and remove; `stored` keeps the list in localStorage and adds clearDone. */
export function todoHook(stored: boolean): string {
  return `${stored ? STORED_IMPORTS : "import { useState } from 'react';\n"}import type { Todo } from '../types';

// crypto.randomUUID needs a secure context, which a preview on a plain http origin is not.
function newId(): string {
  return Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
}

export function useTodos() {
${stored ? STORED_STATE : '  const [todos, setTodos] = useState<Todo[]>([]);\n'}
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

${stored ? CLEAR_DONE : '  return { todos, addTodo, toggleTodo, removeTodo };\n'}}
`;
}

/** src/App.tsx: heading, new-todo form and the list; `filters` adds the filter bar and counter. */
export function todoApp(filters: boolean): string {
  return `${filters ? FILTER_IMPORTS : "import { NewTodoForm } from './components/NewTodoForm';\n"}import { TodoItem } from './components/TodoItem';
import { useTodos } from './hooks/useTodos';
import { SUBTITLE } from './subtitle';

export default function App() {
${filters ? FILTER_STATE : '  const { todos, addTodo, toggleTodo, removeTodo } = useTodos();\n'}
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
${filters ? FILTERED_LIST : PLAIN_LIST}        )}
      </div>
    </main>
  );
}
`;
}
