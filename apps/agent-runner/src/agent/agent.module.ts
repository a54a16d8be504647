import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppDatabases } from '../app-database/app-databases';
import { EventHub } from '../events/event-hub';
import { LLM_SHUTDOWN, llmProviders } from '../llm/llm.module';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { SandboxLifecycle, sandboxProviders } from '../sandbox/sandbox.module';
import { ThumbnailService } from '../thumbnails/thumbnail.service';
import { AgentStore } from './agent-store';
import { AgentSupervisor } from './agent-supervisor';
import { CancelGeneration } from './commands/cancel-generation.use-case';
import { ProjectNotes } from './commands/project-notes';
import { ReportRuntimeErrors } from './commands/report-runtime-errors.use-case';
import { Rollback } from './commands/rollback.use-case';
import { SandboxSync } from './commands/sandbox-sync';
import { SaveFile } from './commands/save-file.use-case';
import { StartGeneration } from './commands/start-generation.use-case';
import { LeaseHeartbeat } from './lease-heartbeat';
import { ProjectActivity } from './project-activity';
import { ProjectHistory } from './project-history';
import { ProjectLeases } from './project-leases';
import { RunningAgents } from './running-agents';
import { RuntimeErrorLog } from './runtime-error-log';
import { TemplateCatalog } from './template-catalog';

@Module({
  providers: [
    AgentStore,
    EventHub,
    ...llmProviders,
    ...sandboxProviders,
    SandboxLifecycle,
    SandboxSessions,
    AppDatabases,
    ProjectHistory,
    RuntimeErrorLog,
    TemplateCatalog,
    ProjectLeases,
    RunningAgents,
    ProjectActivity,
    LeaseHeartbeat,
    ProjectNotes,
    SandboxSync,
    StartGeneration,
    CancelGeneration,
    SaveFile,
    Rollback,
    ReportRuntimeErrors,
    AgentSupervisor,
    ThumbnailService,
  ],
  exports: [AgentSupervisor, ProjectActivity, EventHub, AgentStore, SandboxSessions, AppDatabases],
})
export class AgentModule implements OnApplicationShutdown {
  constructor(@Inject(LLM_SHUTDOWN) private readonly llm: { close(): Promise<void> }) {}

  async onApplicationShutdown(): Promise<void> {
    await this.llm.close();
  }
}
