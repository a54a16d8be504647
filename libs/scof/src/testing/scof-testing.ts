import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyUnifiedDiff } from '../apply-unified-diff';
import { type ScofEvent, type ScofParserOptions } from '../scof-events';
import { createScofParser } from '../scof-parser';

export interface CorpusCase {
  name: string;
  answer: string;
  /** Path of the `.expected` file beside the answer. */
  expectedPath: string;
}

export const CORPUS_DIR = join(__dirname, 'corpus');

/** The corpus is read with binary blocks on, as a consumer that stores bytes reads answers. */
export const CORPUS_OPTIONS: ScofParserOptions = { binaryFiles: true };

/** Every `NN-name.scof` answer of the corpus, with its `NN-name.expected` rendering. */
export function loadCorpus(): CorpusCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.scof'))
    .sort()
    .map((file) => ({
      name: file.slice(0, -'.scof'.length),
      answer: readFileSync(join(CORPUS_DIR, file), 'utf8'),
      expectedPath: join(CORPUS_DIR, file.replace(/\.scof$/, '.expected')),
    }));
}

/** Parses an answer fed in pieces of the given sizes (repeated), or in one push. */
export function parseInChunks(
  answer: string,
  sizes: number[] = [answer.length],
  options?: ScofParserOptions,
): ScofEvent[] {
  const parser = createScofParser(options);
  const events: ScofEvent[] = [];
  let pos = 0;
  for (let i = 0; pos < answer.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    events.push(...parser.push(answer.slice(pos, pos + size)));
    pos += size;
  }
  events.push(...parser.end());
  return events;
}

/**
 * The events with each block's file_chunk events merged into one placed just before its file_end
 * or truncated event; chunks of a refused block (which may stop mid-line depending on the
 * chunking) are dropped. Throws when the chunks of a file do not add up to its file_end content.
 */
export function normaliseEvents(events: ScofEvent[]): ScofEvent[] {
  const normalised: ScofEvent[] = [];
  const received = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'file_chunk') {
      received.set(event.path, (received.get(event.path) ?? '') + event.chunk);
      continue;
    }
    if (event.type === 'file_end' || event.type === 'truncated') {
      const chunk = received.get(event.path) ?? '';
      // A binary file has no file_chunk events: its content comes whole in file_end.
      if (event.type === 'file_end' && event.encoding === undefined && chunk !== event.content) {
        throw new Error(`the file_chunk events of ${event.path} do not add up to its content`);
      }
      if (chunk !== '') {
        normalised.push({ type: 'file_chunk', path: event.path, chunk });
      }
    }
    if (event.type === 'file_start' || event.type === 'file_end' || event.type === 'truncated') {
      received.delete(event.path);
    }
    if (event.type === 'error' && event.path !== undefined) {
      received.delete(event.path);
    }
    normalised.push(event);
  }
  return normalised;
}

/**
 * The files an answer leaves, rebuilt from its file_chunk events (not from file_end); a binary
 * file as `base64:` and its content.
 */
export function replayFiles(events: ScofEvent[], start: Record<string, string> = {}) {
  const files = new Map(Object.entries(start));
  const open = new Map<string, string>();
  const failedPatches: string[] = [];
  for (const event of events) {
    if (event.type === 'file_start') {
      open.set(event.path, '');
    }
    if (event.type === 'file_chunk') {
      open.set(event.path, open.get(event.path)! + event.chunk);
    }
    if (event.type === 'file_end') {
      const binary = event.encoding === 'base64';
      files.set(event.path, binary ? `base64:${event.content}` : open.get(event.path)!);
    }
    if (event.type === 'delete') {
      files.delete(event.path);
    }
    if (event.type === 'patch') {
      const result = applyUnifiedDiff(files.get(event.path) ?? '', event.diff);
      if (result.ok) {
        files.set(event.path, result.content);
      } else {
        failedPatches.push(event.path);
      }
    }
  }
  return { files: Object.fromEntries([...files].sort()), failedPatches };
}

/**
 * The readable form of an answer's events kept in the `.expected` files: one event a line, and
 * under file_end, patch and truncated the content, one `  | ` line per line of it ("\r" shown as
 * ␍, a missing final newline as `  \ no newline at end`); a binary file's as its size and base64
 * on one line. file_chunk events are not listed; the content of a truncated file is what arrived
 * before the stream ended.
 */
export function renderEvents(events: ScofEvent[]): string {
  const lines: string[] = [];
  const openFiles = new Set<string>(); // a truncated patch has no content to show
  let received = '';
  for (const event of normaliseEvents(events)) {
    if (event.type === 'file_start') {
      openFiles.add(event.path);
    }
    switch (event.type) {
      case 'file_chunk':
        received = event.chunk;
        break;
      case 'file_start':
      case 'delete':
        lines.push(`${event.type} ${event.path}${encodingNote(event)}`);
        break;
      case 'file_end':
        openFiles.delete(event.path);
        lines.push(
          `file_end ${event.path}${encodingNote(event)}`,
          ...(event.encoding === 'base64'
            ? [`  ${Buffer.from(event.content, 'base64').length} bytes: ${event.content}`]
            : renderContent(event.content)),
        );
        break;
      case 'patch':
        lines.push(`patch ${event.path}`, ...renderContent(event.diff));
        break;
      case 'truncated':
        lines.push(`truncated ${event.path}`);
        if (openFiles.delete(event.path)) {
          lines.push(...renderContent(received));
        }
        break;
      case 'install':
        lines.push(`install ${event.packages.join(' ')}`);
        break;
      case 'error': {
        const where = event.path === undefined ? '' : ` (${event.path})`;
        lines.push(`error ${event.code} line ${event.line}${where}: ${event.message}`);
        break;
      }
    }
    if (event.type !== 'file_chunk') {
      received = '';
    }
  }
  return lines.join('\n') + '\n';
}

function encodingNote(event: ScofEvent): string {
  return 'encoding' in event && event.encoding !== undefined ? ` (${event.encoding})` : '';
}

function renderContent(content: string): string[] {
  if (content === '') {
    return ['  (empty)'];
  }
  const rows = content.split('\n');
  const finalNewline = rows[rows.length - 1] === '';
  if (finalNewline) {
    rows.pop();
  }
  const rendered = rows.map((row) => `  |${row === '' ? '' : ' '}${row.replaceAll('\r', '␍')}`);
  return finalNewline ? rendered : [...rendered, '  \\ no newline at end'];
}
