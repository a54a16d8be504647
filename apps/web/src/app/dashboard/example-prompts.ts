/** Starting points shown as chips under the prompt box; each one fills the box when clicked. */
export const EXAMPLE_PROMPTS: readonly string[] = [
  'A todo app with due dates and dark mode',
  'A markdown notes app with search and tags',
  'A pomodoro timer that keeps daily stats',
  'A landing page for a neighbourhood coffee shop',
];
