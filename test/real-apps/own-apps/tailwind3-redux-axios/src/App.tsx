import { useEffect } from 'react';
import { loadBooks, toggleRead } from './features/todos/booksSlice';
import { useAppDispatch, useAppSelector } from './store';

export default function App() {
  const dispatch = useAppDispatch();
  const { items, status } = useAppSelector((state) => state.books);

  useEffect(() => {
    void dispatch(loadBooks());
  }, [dispatch]);

  const unread = items.filter((book) => !book.read).length;

  return (
    <main className="mx-auto max-w-xl px-4 py-10">
      <div className="card">
        <h1 className="text-3xl font-bold text-brand">My reading list</h1>
        <p className="mt-1 text-sm text-slate-500">
          {status === 'loading' ? 'Loading books…' : `${unread} books left to read`}
        </p>
        {status === 'failed' && (
          <p className="mt-4 rounded bg-red-50 p-3 text-red-700">The books could not be loaded.</p>
        )}
        <ul className="mt-6 divide-y divide-slate-200">
          {items.map((book) => (
            <li key={book.id} className="flex items-center justify-between py-3">
              <div>
                <p className={book.read ? 'text-slate-400 line-through' : 'font-medium'}>
                  {book.title}
                </p>
                <p className="text-xs text-slate-500">{book.author}</p>
              </div>
              <button
                type="button"
                onClick={() => dispatch(toggleRead(book.id))}
                className="rounded-lg bg-brand px-3 py-1 text-sm text-white hover:opacity-90"
              >
                {book.read ? 'Unread' : 'Mark read'}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
