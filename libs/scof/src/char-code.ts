/**
 * text.charCodeAt(i), called so that V8 never looks the method up on the string itself. The lines
 * read outside blocks come in many string representations (flat, rope, slice; one or two bytes a
 * character), and a method looked up on all of them is a slow generic lookup at every character.
 */
export function charCode(text: string, i: number): number {
  return String.prototype.charCodeAt.call(text, i);
}
