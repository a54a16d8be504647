import { type AgentError, type AgentState, type Blueprint, type PhaseInfo } from './agent-state';
import { type FileEncoding } from '../project-file';
import { type VersionReason } from './versions';

/**
 * Server → client events (DESIGN.md "Events"). Every event carries the project's id and a
 * per-project `seq` that only grows, so a client can drop what it has seen and spot a gap.
 */
export interface ServerEventPayloads {
  /** `request`: the request's number, on the change that starts one (IDLE → DESIGNING_PHASE). */
  state_change: { state: AgentState; previous: AgentState; request?: number };
  blueprint: { blueprint: Blueprint };
  phase_designing: { phase: number };
  phase_designed: { phase: PhaseInfo };
  /** `encoding`: a binary file, which has no file_chunk events (its content comes whole). */
  file_start: { path: string; phase: number; encoding?: FileEncoding };
  file_chunk: { path: string; chunk: string };
  /** `encoding` 'base64': a binary file, content the base64 of its bytes (see ProjectFile). */
  file_end: { path: string; content: string; phase: number; encoding?: FileEncoding };
  file_deleted: { path: string; phase: number };
  files_written: { phase: number; paths: string[] };
  deps_installed: { packages: string[] };
  /**
   * The dev server serves the phase's code; browsers open it through their preview link.
   * `restarted`: the dev server process is new since the phase began (open previews load the
   * app anew); false when the running one took the code live (hot reload, nothing to load;
   * absent from older runners: treat as true).
   */
  server_started: { phase: number; restarted?: boolean };
  /** The checks after a phase run (type-check, build, errors the preview reports). */
  checking: { phase: number };
  /**
   * The request is done: every file of the project, the phases it took (fixes not counted) and
   * what it changed against the files before it (paths, byte order).
   */
  generation_complete: {
    files: string[];
    phases: number;
    added: string[];
    changed: string[];
    removed: string[];
  };
  error: AgentError & { fatal: boolean };
  message: {
    id: string;
    role: 'user' | 'assistant' | 'system';
    content: string;
    createdAt: string;
  };
  /** `check`: the checks' report after a phase (what they show now is in `problems`). */
  log: { stream: 'install' | 'dev' | 'system' | 'check'; text: string };
  /** One LLM call's tokens and cost (null when the provider does not say), live. */
  usage: {
    role: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
    costUsd: number | null;
  };
  version_created: { number: number; label: string; reason: VersionReason; createdAt: string };
  /**
   * The errors that hold now, each distinct one once: `checks` after a phase's type-check,
   * build and dev server (empty when they pass), `browser` what previews of the current code
   * reported. Each replaces the last of its source; a code change empties both.
   */
  problems: { source: ProblemSource; problems: ProblemItem[] };
}

export type ProblemSource = 'checks' | 'browser';

/** One current error, structured: the tool, where (project-relative) and what, clean. */
export interface ProblemItem {
  tool: 'tsc' | 'build' | 'dev' | 'runtime' | 'migration';
  /** The first line, clean of colour codes and host paths. */
  message: string;
  /** A few readable lines (position, message, details). */
  text: string;
  file?: string;
  line?: number;
  column?: number;
  code?: string;
}

export type ServerEventType = keyof ServerEventPayloads;

export type ServerEvent = {
  [K in ServerEventType]: { type: K; projectId: string; seq: number } & ServerEventPayloads[K];
}[ServerEventType];

/** An event before the sequencer has numbered it. */
export type UnsequencedEvent = {
  [K in ServerEventType]: { type: K } & ServerEventPayloads[K];
}[ServerEventType];

/**
 * Every event type, spelled once here (the Record makes the compiler name a type the payloads
 * add). Kept free of zod: the web app reads it from this module.
 */
const SERVER_EVENT_TYPE_SET: Readonly<Record<ServerEventType, true>> = {
  state_change: true,
  blueprint: true,
  phase_designing: true,
  phase_designed: true,
  file_start: true,
  file_chunk: true,
  file_end: true,
  file_deleted: true,
  files_written: true,
  deps_installed: true,
  server_started: true,
  checking: true,
  generation_complete: true,
  error: true,
  message: true,
  log: true,
  usage: true,
  version_created: true,
  problems: true,
};

export function isServerEventType(name: string): name is ServerEventType {
  return Object.prototype.hasOwnProperty.call(SERVER_EVENT_TYPE_SET, name);
}

/** Every event type; the set's keys are exactly ServerEventType. */
export const SERVER_EVENT_TYPES: readonly ServerEventType[] =
  Object.keys(SERVER_EVENT_TYPE_SET).filter(isServerEventType);
