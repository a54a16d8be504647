import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppDatabases } from '../app-database/app-databases';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { type LlmClient } from '../llm/llm-client';
import { type RetryPolicy } from '../llm/llm-error';
import { LLM_CLIENT } from '../llm/llm.module';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { type ProjectAgentDeps } from './agent-run';
import { type AgentSnapshotRow, AgentStore } from './agent-store';
import { PhaseDesigner } from './phase-designer';
import { PhaseImplementer } from './phase-implementer';
import { ProjectAgent } from './project-agent';
import { ProjectHistory } from './project-history';
import { ProjectLeases } from './project-leases';
import { RuntimeErrorLog } from './runtime-error-log';
import { TemplateCatalog } from './template-catalog';

/** The agents at work in this runner, one per project: started here, tracked until they end. */
@Injectable()
export class RunningAgents {
  private readonly logger = new Logger(RunningAgents.name);
  private readonly agents = new Map<string, { agent: ProjectAgent; done: Promise<void> }>();
  private readonly deps: Omit<ProjectAgentDeps, 'sandbox'>;
  private shuttingDown = false;

  constructor(
    @Inject(RUNNER_CONFIG) config: RunnerConfig,
    @Inject(LLM_CLIENT) llm: LlmClient,
    private readonly sandboxes: SandboxSessions,
    private readonly leases: ProjectLeases,
    templates: TemplateCatalog,
    store: AgentStore,
    hub: EventHub,
    history: ProjectHistory,
    runtimeErrors: RuntimeErrorLog,
    databases: AppDatabases,
  ) {
    const retry: RetryPolicy = {
      maxRetries: config.LLM_MAX_RETRIES,
      baseDelayMs: config.LLM_RETRY_BASE_DELAY_MS,
      maxDelayMs: config.LLM_RETRY_MAX_DELAY_MS,
      deadlineMs: config.LLM_CALL_TIMEOUT_MS,
    };
    this.deps = {
      runnerId: config.RUNNER_ID,
      store,
      hub,
      designer: new PhaseDesigner(llm, retry, config.LLM_DESIGN_MAX_ATTEMPTS),
      implementer: new PhaseImplementer(llm, retry, {
        fileMaxBytes: config.AGENT_FILE_MAX_BYTES,
        binaryFileMaxBytes: config.AGENT_BINARY_FILE_MAX_BYTES,
        maxFiles: config.AGENT_ANSWER_MAX_FILES,
        errorsShown: config.AGENT_ANSWER_ERRORS_SHOWN,
      }),
      templates,
      history,
      runtimeErrors,
      maxPhasesPerRequest: config.AGENT_MAX_PHASES,
      contextBudget: config.LLM_CONTEXT_MAX_CHARS,
      patchPreferredLines: config.AGENT_PATCH_PREFERRED_LINES,
      checks: {
        tsc: config.AGENT_CHECK_TSC,
        build: config.AGENT_CHECK_BUILD,
        timeoutMs: config.AGENT_CHECK_TIMEOUT_MS,
        runtimeWaitMs: config.AGENT_RUNTIME_ERROR_WAIT_MS,
        logMaxChars: config.AGENT_CHECK_LOG_MAX_CHARS,
        fixMaxAttempts: config.AGENT_FIX_MAX_ATTEMPTS,
      },
      registry: {
        url: config.NPM_REGISTRY_URL,
        timeoutMs: config.NPM_REGISTRY_TIMEOUT_MS,
        maxBytes: config.NPM_REGISTRY_MAX_BYTES,
      },
      databases,
    };
  }

  /** The agent working on a project in this runner, if any. */
  get(projectId: string): ProjectAgent | undefined {
    return this.agents.get(projectId)?.agent;
  }

  has(projectId: string): boolean {
    return this.agents.has(projectId);
  }

  /** Resolves when the project's current generation in this runner has ended. */
  async settled(projectId: string): Promise<void> {
    await this.agents.get(projectId)?.done;
  }

  /** The projects agents work on here. */
  projects(): string[] {
    return [...this.agents.keys()];
  }

  /**
   * Runs an agent on a project whose lease is held here (taken for it); the lease is given
   * back when the agent ends.
   */
  start(row: AgentSnapshotRow): void {
    const agent = new ProjectAgent(row, {
      ...this.deps,
      sandbox: () => this.sandboxes.open(row.projectId),
    });
    const done = agent
      .run()
      .catch((error: unknown) =>
        this.logger.error(`project ${row.projectId}: ${(error as Error)?.stack ?? error}`),
      )
      .finally(async () => {
        // Released before the agent leaves the map: a command arriving meanwhile is refused as
        // busy instead of taking a lease that this release would then drop.
        if (!this.shuttingDown) {
          await this.leases.release(row.projectId);
        }
        this.agents.delete(row.projectId);
      });
    this.agents.set(row.projectId, { agent, done });
  }

  /**
   * From now on an agent that ends keeps its lease: it is left to expire, and another runner
   * resumes the project where it stands.
   */
  shutDown(): void {
    this.shuttingDown = true;
  }

  /** Stops every agent without writing (see shutDown) and waits for them to end. */
  async abandonAll(): Promise<void> {
    for (const { agent } of this.agents.values()) {
      agent.abandon();
    }
    await Promise.all([...this.agents.values()].map(({ done }) => done));
  }
}
