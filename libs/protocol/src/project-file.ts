/**
 * How a file's content is held as text: absent for UTF-8 text; 'base64' for a binary file
 * (an image, a font), whose content is the padded base64 of its bytes, without line breaks.
 */
export type FileEncoding = 'base64';

/** A project file as events, snapshots, versions and the database hold it. */
export interface ProjectFile {
  path: string;
  content: string;
  encoding?: FileEncoding;
}

/** `{encoding}` for a binary file, nothing for text: spread into a file so text stays bare. */
export function encodingOf(encoding: FileEncoding | null | undefined): {
  encoding?: FileEncoding;
} {
  return encoding === 'base64' ? { encoding } : {};
}

/** Bytes behind padded base64, without decoding it. */
export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** Whether two files hold the same bytes (a text and a binary file never do). */
export function sameFileContent(
  a: { content: string; encoding?: FileEncoding },
  b: { content: string; encoding?: FileEncoding },
): boolean {
  return a.content === b.content && (a.encoding ?? null) === (b.encoding ?? null);
}
