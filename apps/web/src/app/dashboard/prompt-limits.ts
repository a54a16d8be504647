/** The longest prompt the prompt boxes accept; the API enforces its own limit on the description too. */
export const PROMPT_MAX_LENGTH = 4000;
