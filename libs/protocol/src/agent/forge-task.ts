import { messageText, type ChatMessage } from './chat-message';

/** What the agent asks of the model in one call. */
export type ForgeTaskKind = 'design' | 'implement';

export interface ForgeTask {
  kind: ForgeTaskKind;
  /** 1-based; counts across the project's life, so follow-ups continue after the last phase. */
  phase: number;
  /** The text under the `## Request` heading, trimmed, or null when the message has none. */
  request: string | null;
}

/** The first line of every agent user message starts with this. */
export const FORGE_TASK_PREFIX = 'FORGE-TASK:';
/** The heading of the section that holds the user's own words. */
export const FORGE_REQUEST_HEADING = '## Request';

// Tolerates extra spaces and trailing `key=value` attributes so the agent can add some later.
const TASK_LINE = /^FORGE-TASK:\s*(design|implement)\s+phase=(\d{1,6})(?:\s+[a-z][\w-]*=\S*)*\s*$/;
// The request section ends at the next level-2 heading (`## Current files`, …) or at the end.
const NEXT_SECTION = /^## /;

/** The machine-readable first line of a user message, e.g. `FORGE-TASK: design phase=1`. */
export function formatForgeTaskLine(kind: ForgeTaskKind, phase: number): string {
  return `${FORGE_TASK_PREFIX} ${kind} phase=${phase}`;
}

/** Parses a task line; null when the line is not one (or the phase is not a positive integer). */
export function parseForgeTaskLine(line: string): Omit<ForgeTask, 'request'> | null {
  const match = TASK_LINE.exec(line.trim());
  if (!match) {
    return null;
  }
  const phase = Number(match[2]);
  if (phase < 1) {
    return null;
  }
  return { kind: match[1] as ForgeTaskKind, phase };
}

/** The trimmed text under `## Request` up to the next `## ` heading, or null. */
export function extractForgeRequest(text: string): string | null {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === FORGE_REQUEST_HEADING);
  if (start === -1) {
    return null;
  }
  const end = lines.findIndex((line, index) => index > start && NEXT_SECTION.test(line));
  const section = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim();
  return section === '' ? null : section;
}

/**
 * Finds the task of a chat request: the latest user message whose first line is a task line.
 * Searching from the end lets the agent append feedback turns (a validation error, …) after
 * the task message without repeating the task line. Null when no user message carries one.
 */
export function parseForgeTask(messages: readonly ChatMessage[]): ForgeTask | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role !== 'user') {
      continue;
    }
    const text = messageText(message);
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const task = parseForgeTaskLine(firstLine);
    if (task) {
      return { ...task, request: extractForgeRequest(text) };
    }
  }
  return null;
}
