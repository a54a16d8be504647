export interface Recipe {
  id: number;
  name: string;
  minutes: number;
  tags: string[];
  ingredients: string[];
}

export async function fetchRecipes(): Promise<Recipe[]> {
  const response = await fetch(`${import.meta.env.BASE_URL}recipes.json`);
  if (!response.ok) {
    throw new Error(`Could not load recipes (${response.status})`);
  }
  return response.json() as Promise<Recipe[]>;
}
