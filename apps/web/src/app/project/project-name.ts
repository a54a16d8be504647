/** Project names are shown in cards and the top bar; longer prompts keep their full text as the description. */
export const PROJECT_NAME_MAX_LENGTH = 60;

/** The longest name a user may type when renaming; the API refuses longer ones (PROJECT_NAME_LIMITS). */
export const PROJECT_NAME_INPUT_MAX_LENGTH = 100;

const FALLBACK_NAME = 'Untitled app';

/** Names a new project after the first line of its prompt, cut at a word boundary. */
export function projectNameFromPrompt(prompt: string): string {
  const firstLine = prompt.trim().split(/\r?\n/, 1)[0] ?? '';
  const line = firstLine.replace(/\s+/g, ' ').replace(/[\s.,;:!?]+$/, '');
  if (!line) {
    return FALLBACK_NAME;
  }
  const capitalised = line[0].toUpperCase() + line.slice(1);
  if (capitalised.length <= PROJECT_NAME_MAX_LENGTH) {
    return capitalised;
  }
  const room = PROJECT_NAME_MAX_LENGTH - 1; // one character for the ellipsis
  const cut = capitalised.slice(0, room);
  const lastSpace = cut.lastIndexOf(' ');
  // Cut at a word when one ends in the second half; a single very long word is cut where it must be.
  const end = lastSpace > room / 2 ? lastSpace : room;
  return `${cut.slice(0, end).replace(/[\s.,;:!?]+$/, '')}…`;
}
