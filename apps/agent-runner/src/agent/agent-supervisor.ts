import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Inject,
} from '@nestjs/common';
import { type LlmModelList, type RuntimeErrorReport } from '@forge/protocol';
import { LLM_MODELS } from '../llm/llm.module';
import { type ModelCatalog } from '../llm/model-catalog';
import { CancelGeneration } from './commands/cancel-generation.use-case';
import { ReportRuntimeErrors } from './commands/report-runtime-errors.use-case';
import { Rollback } from './commands/rollback.use-case';
import { SaveFile } from './commands/save-file.use-case';
import { StartGeneration } from './commands/start-generation.use-case';
import { LeaseHeartbeat } from './lease-heartbeat';
import { type ProjectAgent } from './project-agent';
import { RunningAgents } from './running-agents';

/**
 * The runner's agents as the link commands them: each command is a use case of its own; this
 * starts the lease heartbeat with the runner and winds the agents down with it.
 */
@Injectable()
export class AgentSupervisor implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(LLM_MODELS) private readonly models: ModelCatalog,
    private readonly agents: RunningAgents,
    private readonly heartbeat: LeaseHeartbeat,
    private readonly startGeneration: StartGeneration,
    private readonly cancelGeneration: CancelGeneration,
    private readonly saveFileEdit: SaveFile,
    private readonly rollbackProject: Rollback,
    private readonly reportRuntimeErrors: ReportRuntimeErrors,
  ) {}

  onApplicationBootstrap(): void {
    this.heartbeat.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.agents.shutDown();
    await this.heartbeat.stop();
    // Leases are left to expire: another runner resumes these projects where they stand.
    await this.agents.abandonAll();
  }

  /** See StartGeneration. */
  generate(projectId: string, request: string, model?: string): Promise<void> {
    return this.startGeneration.execute(projectId, request, model);
  }

  /** The models a request may name: the configured LLM server's list. */
  listModels(): Promise<LlmModelList> {
    return this.models.list();
  }

  /** See CancelGeneration. */
  cancel(projectId: string): Promise<void> {
    return this.cancelGeneration.execute(projectId);
  }

  /** See SaveFile. */
  saveFile(projectId: string, path: string, content: string): Promise<number> {
    return this.saveFileEdit.execute(projectId, path, content);
  }

  /** See Rollback. */
  rollback(projectId: string, version: number): Promise<number> {
    return this.rollbackProject.execute(projectId, version);
  }

  /** See ReportRuntimeErrors. */
  runtimeErrors(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    return this.reportRuntimeErrors.execute(projectId, errors);
  }

  /** The agent working on a project in this runner, if any (for snapshots). */
  running(projectId: string): ProjectAgent | undefined {
    return this.agents.get(projectId);
  }

  /** Resolves when the project's current generation in this runner has ended. */
  settled(projectId: string): Promise<void> {
    return this.agents.settled(projectId);
  }
}
