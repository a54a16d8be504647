import { createScofParser } from '@forge/scof';

/** The files a sequence of SCOF answers leaves, parsed in one go (the expected result). */
export function applyScof(answers: string[]): Record<string, string> {
  const files = new Map<string, string>();
  for (const answer of answers) {
    const parser = createScofParser();
    for (const event of [...parser.push(answer), ...parser.end()]) {
      if (event.type === 'file_end') {
        files.set(event.path, event.content);
      }
      if (event.type === 'delete') {
        files.delete(event.path);
      }
    }
  }
  return Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
