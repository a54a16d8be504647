import { useState } from 'react';
import RecipeCard from './components/RecipeCard';
import { useRecipes } from './hooks/useRecipes';

export default function App() {
  const { data: recipes = [], isPending, isError, error } = useRecipes();
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [query, setQuery] = useState('');

  const visible = recipes.filter((recipe) =>
    recipe.name.toLowerCase().includes(query.trim().toLowerCase()),
  );

  return (
    <main className="mx-auto max-w-2xl px-4 py-12">
      <header className="mb-8">
        <h1 className="font-display text-4xl font-bold text-brand">Recipe box</h1>
        <p className="mt-2 text-stone-500">Quick dinners and slow weekends, all in one place.</p>
      </header>

      <input
        type="search"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        placeholder="Search recipes"
        className="mb-6 w-full rounded-lg border border-stone-300 bg-white px-4 py-2 outline-none focus:border-brand focus:ring-2 focus:ring-brand-light"
      />

      {isPending && <p className="text-stone-500">Loading recipes…</p>}
      {isError && (
        <p className="rounded-lg bg-red-50 p-4 text-red-700">{error.message}</p>
      )}

      <section className="grid gap-4 sm:grid-cols-2">
        {visible.map((recipe) => (
          <RecipeCard
            key={recipe.id}
            recipe={recipe}
            selected={recipe.id === selectedId}
            onSelect={(id) => setSelectedId(id === selectedId ? null : id)}
          />
        ))}
      </section>

      {!isPending && !isError && (
        <p className="mt-8 text-sm text-stone-400">
          {visible.length} of {recipes.length} recipes
        </p>
      )}
    </main>
  );
}
