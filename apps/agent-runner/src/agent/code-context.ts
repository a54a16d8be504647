import { base64ByteLength, type FileEncoding } from '@forge/protocol';

/**
 * What the LLM sees of the existing code: the files a phase touches in full, the others as a
 * list with a one-line summary, within a character budget (LLM_CONTEXT_MAX_CHARS).
 */
export interface SourceFile {
  path: string;
  content: string;
  /** 'base64': a binary file, listed with its size, never shown. */
  encoding?: FileEncoding;
}

const SUMMARY_MAX = 120;

/** A one-line idea of a file: its first export or first meaningful line. */
export function summarize(content: string): string {
  const lines = content.split('\n').map((line) => line.trim());
  const line =
    lines.find((l) => l.startsWith('export ')) ??
    lines.find((l) => l !== '' && !l.startsWith('//') && !l.startsWith('import ')) ??
    '';
  return line.length > SUMMARY_MAX ? `${line.slice(0, SUMMARY_MAX - 1)}…` : line;
}

export function listFiles(files: SourceFile[]): string {
  if (files.length === 0) {
    return '(none)';
  }
  return files
    .map((file) =>
      file.encoding
        ? `- ${file.path} (binary, ${base64ByteLength(file.content)} bytes)`
        : `- ${file.path} (${file.content.length} chars)${summarize(file.content) ? ` — ${summarize(file.content)}` : ''}`,
    )
    .join('\n');
}

/**
 * Full contents of `files`, as long as they fit in the budget; the rest are returned to be
 * listed. Files longer than `patchLines` lines are marked for a patch rather than a rewrite.
 */
export function fullFiles(
  files: SourceFile[],
  budget: number,
  patchLines = Infinity,
): { text: string; omitted: SourceFile[] } {
  const parts: string[] = [];
  const omitted: SourceFile[] = [];
  let used = 0;
  for (const file of files) {
    if (file.encoding) {
      omitted.push(file);
      continue;
    }
    const lines = lineCount(file.content);
    const heading =
      lines > patchLines
        ? `### ${file.path} (${lines} lines: change it with a patch unless most of it changes)`
        : `### ${file.path}`;
    const block = `${heading}\n\`\`\`\n${file.content}${file.content.endsWith('\n') ? '' : '\n'}\`\`\``;
    if (used + block.length > budget) {
      omitted.push(file);
      continue;
    }
    used += block.length;
    parts.push(block);
  }
  return { text: parts.length ? parts.join('\n\n') : '(none)', omitted };
}

function lineCount(content: string): number {
  let lines = content.length && !content.endsWith('\n') ? 1 : 0;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) {
    lines++;
  }
  return lines;
}
