import { PROJECT_NAME_MAX_LENGTH, projectNameFromPrompt } from './project-name';

describe(projectNameFromPrompt.name, () => {
  it('uses the first line, tidied and capitalised', () => {
    expect(projectNameFromPrompt('  a todo app   with due dates.\nAnd dark mode')).toBe(
      'A todo app with due dates',
    );
  });

  it(`cuts long prompts at a word, within ${PROJECT_NAME_MAX_LENGTH} characters`, () => {
    const name = projectNameFromPrompt(
      'a kanban board for a small team with swimlanes, due dates, labels and a calendar view',
    );
    expect(name).toBe('A kanban board for a small team with swimlanes, due dates…');
    expect(name.length).toBeLessThanOrEqual(PROJECT_NAME_MAX_LENGTH);
  });

  it('cuts a single very long word where it must', () => {
    const name = projectNameFromPrompt('x'.repeat(200));
    expect(name).toBe(`${'X'}${'x'.repeat(PROJECT_NAME_MAX_LENGTH - 2)}…`);
  });

  it('names an empty prompt', () => {
    expect(projectNameFromPrompt(' \n ')).toBe('Untitled app');
  });
});
