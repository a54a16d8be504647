import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppDatabases } from '../app-database/app-databases';
import { EventHub } from '../events/event-hub';
import { LLM_SHUTDOWN, llmProviders } from '../llm/llm.module';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { SandboxLifecycle, sandboxProviders } from '../sandbox/sandbox.module';
import { AgentStore } from './agent-store';
import { AgentSupervisor } from './agent-supervisor';
import { LeaseService } from './lease.service';
import { ProjectHistory } from './project-history';
import { RuntimeErrorLog } from './runtime-error-log';

@Module({
  providers: [
    AgentStore,
    LeaseService,
    EventHub,
    ...llmProviders,
    ...sandboxProviders,
    SandboxLifecycle,
    SandboxSessions,
    AppDatabases,
    ProjectHistory,
    RuntimeErrorLog,
    AgentSupervisor,
  ],
  exports: [AgentSupervisor, EventHub, AgentStore, SandboxSessions, AppDatabases],
})
export class AgentModule implements OnApplicationShutdown {
  constructor(@Inject(LLM_SHUTDOWN) private readonly llm: { close(): Promise<void> }) {}

  async onApplicationShutdown(): Promise<void> {
    await this.llm.close();
  }
}
