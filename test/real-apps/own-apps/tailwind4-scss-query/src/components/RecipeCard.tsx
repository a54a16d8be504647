import type { Recipe } from '../api';
import styles from './RecipeCard.module.scss';

interface RecipeCardProps {
  recipe: Recipe;
  selected: boolean;
  onSelect: (id: number) => void;
}

export default function RecipeCard({ recipe, selected, onSelect }: RecipeCardProps) {
  return (
    <article
      className={`${styles.card} ${selected ? styles.selected : ''}`}
      onClick={() => onSelect(recipe.id)}
    >
      <div className={styles.header}>
        <h2>{recipe.name}</h2>
        <span className={styles.time}>{recipe.minutes} min</span>
      </div>
      <div className={styles.tags}>
        {recipe.tags.map((tag) => (
          <span key={tag} className={styles.tag}>
            #{tag}
          </span>
        ))}
      </div>
      {selected && (
        <ul className={styles.ingredients}>
          {recipe.ingredients.map((ingredient) => (
            <li key={ingredient}>{ingredient}</li>
          ))}
        </ul>
      )}
    </article>
  );
}
