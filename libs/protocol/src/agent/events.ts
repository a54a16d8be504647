import { type AgentError, type AgentState, type Blueprint, type PhaseInfo } from './agent-state';
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
  file_start: { path: string; phase: number };
  file_chunk: { path: string; chunk: string };
  file_end: { path: string; content: string; phase: number };
  file_deleted: { path: string; phase: number };
  files_written: { phase: number; paths: string[] };
  deps_installed: { packages: string[] };
  /** The dev server serves the phase's code; browsers open it through their preview link. */
  server_started: { phase: number };
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
  /** `preview`: errors the app reported from a browser; `check`: the type-check and build. */
  log: { stream: 'install' | 'dev' | 'system' | 'preview' | 'check'; text: string };
  /** One LLM call's tokens and cost (null when the provider does not say), live. */
  usage: {
    role: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
    costUsd: number | null;
  };
  version_created: { number: number; label: string; reason: VersionReason; createdAt: string };
}

export type ServerEventType = keyof ServerEventPayloads;

export type ServerEvent = {
  [K in ServerEventType]: { type: K; projectId: string; seq: number } & ServerEventPayloads[K];
}[ServerEventType];

/** An event before the sequencer has numbered it. */
export type UnsequencedEvent = {
  [K in ServerEventType]: { type: K } & ServerEventPayloads[K];
}[ServerEventType];
