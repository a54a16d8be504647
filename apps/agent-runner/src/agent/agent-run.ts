import { type Logger } from '@nestjs/common';
import { type PhaseInfo, type UnsequencedEvent } from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { type AppDatabases } from '../app-database/app-databases';
import { type EventHub } from '../events/event-hub';
import { type AgentSnapshotRow, type AgentStatePatch, type AgentStore } from './agent-store';
import { type RegistryOptions } from './dependency-fit';
import { type PhaseSink, type SinkOwner } from './implementation-sink';
import { type PhaseDesigner } from './phase-designer';
import { type PhaseImplementer } from './phase-implementer';
import { type EarlyInstall } from './phase-install';
import { type ProjectHistory, versionCreatedEvent } from './project-history';
import { type RuntimeErrorLog } from './runtime-error-log';
import { changeState } from './state-change';
import { type AgentTransition } from './state-machine';
import { type TemplateCatalog } from './template-catalog';

export interface ProjectAgentDeps {
  runnerId: string;
  store: AgentStore;
  hub: EventHub;
  designer: PhaseDesigner;
  implementer: PhaseImplementer;
  templates: TemplateCatalog;
  /** Null when SANDBOX_PROVIDER=none: code is generated and saved, nothing runs. */
  sandbox: () => Promise<Sandbox | null>;
  history: ProjectHistory;
  runtimeErrors: RuntimeErrorLog;
  maxPhasesPerRequest: number;
  contextBudget: number;
  patchPreferredLines: number;
  checks: AgentCheckSettings;
  /** Where requested packages are fitted to the project before they are installed. */
  registry: Omit<RegistryOptions, 'signal'>;
  /** The projects' own databases (made when a phase writes db/migrations/); null: none. */
  databases: Pick<AppDatabases, 'ensure' | 'sandboxEnv' | 'migrate'> | null;
}

/** What the agent checks after each phase, and how hard it tries to fix what it finds. */
export interface AgentCheckSettings {
  tsc: boolean;
  build: boolean;
  timeoutMs: number;
  /** How long to wait for an open preview to report errors after the dev server took the phase. */
  runtimeWaitMs: number;
  logMaxChars: number;
  /** Fix phases in a row after one phase (AGENT_FIX_MAX_ATTEMPTS). */
  fixMaxAttempts: number;
}

/**
 * One run of a project's agent, as its steps share it: the row it moves on, what one step
 * hands the next (the phase's sink, its early install, a dev server restart) and the means to
 * save, move and announce. The implementation sink reads and replaces the same row.
 */
export class AgentRun implements SinkOwner {
  readonly controller = new AbortController();
  /** The sink of the phase being implemented: its closed files are saved behind the stream. */
  sink: PhaseSink | null = null;
  /** The install of the phase's designed packages, started as its code streams. */
  earlyInstall: EarlyInstall | null = null;
  /** The dev server was restarted for the phase being installed (server_started says so). */
  restartedForPhase: number | null = null;
  private sandbox?: Promise<Sandbox | null>;

  constructor(
    public row: AgentSnapshotRow,
    readonly deps: ProjectAgentDeps,
    readonly logger: Logger,
  ) {}

  get projectId(): string {
    return this.row.projectId;
  }

  get runnerId(): string {
    return this.deps.runnerId;
  }

  get store(): AgentStore {
    return this.deps.store;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The phase the row is at. */
  get phase(): PhaseInfo {
    const phase = this.row.phases.find((p) => p.number === this.row.currentPhase);
    if (!phase) {
      throw new Error(`project ${this.projectId} has no phase ${this.row.currentPhase}`);
    }
    return phase;
  }

  markPhase(status: PhaseInfo['status']): void {
    this.row = {
      ...this.row,
      phases: this.row.phases.map((p) =>
        p.number === this.row.currentPhase ? { ...p, status } : p,
      ),
    };
  }

  /** The project's sandbox (opened once per run), or null without one. */
  openSandbox(): Promise<Sandbox | null> {
    this.sandbox ??= this.deps.sandbox();
    return this.sandbox;
  }

  async move(event: AgentTransition, patch: Omit<AgentStatePatch, 'state'>): Promise<void> {
    // The sink's saves move the row's version: none may be under way.
    await this.sink?.flush();
    this.row = await changeState(this.deps, this.row, event, patch);
  }

  async recordVersion(reason: 'phase' | 'fix', label: string): Promise<void> {
    const event = versionCreatedEvent(
      await this.deps.history.record(this.projectId, reason, label),
    );
    if (event) {
      await this.emit(event);
    }
  }

  /** A chat message from the agent; 'system' for a short entry (a stop) rather than a reply. */
  async say(content: string, role: 'assistant' | 'system' = 'assistant'): Promise<void> {
    const message = await this.deps.store.addMessage(this.projectId, role, content);
    await this.emit({
      type: 'message',
      id: message.id,
      role,
      content,
      createdAt: message.createdAt,
    });
  }

  async emit(event: UnsequencedEvent): Promise<void> {
    await this.deps.hub.emit(this.projectId, event);
  }
}
