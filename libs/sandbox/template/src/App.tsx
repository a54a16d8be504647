import { useState } from 'react';

export default function App() {
  const [count, setCount] = useState(0);

  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-6 bg-slate-50 p-8 text-slate-900">
      <h1 className="text-4xl font-bold tracking-tight">Your app starts here</h1>
      <p className="max-w-md text-center text-slate-600">
        Describe what you want to build and Forge will write it into this project.
      </p>
      <button
        type="button"
        className="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white shadow hover:bg-indigo-500"
        onClick={() => setCount((value) => value + 1)}
      >
        Clicked {count} {count === 1 ? 'time' : 'times'}
      </button>
    </main>
  );
}
