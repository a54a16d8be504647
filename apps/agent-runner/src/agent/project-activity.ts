import { Injectable } from '@nestjs/common';
import { type AgentState, isBusyState } from '@forge/protocol';
import { generationRunning } from './agent-command-error';
import { type AgentSnapshotRow } from './agent-store';
import { ProjectLeases } from './project-leases';
import { RunningAgents } from './running-agents';

/**
 * Whether a project is busy, decided here only: an agent of this runner works on it, or its
 * saved state is a generation's (one whose runner died counts: the heartbeat resumes it).
 * Commands other than a stop are refused while it is.
 */
@Injectable()
export class ProjectActivity {
  constructor(
    private readonly agents: RunningAgents,
    private readonly leases: ProjectLeases,
  ) {}

  isBusy(project: { projectId: string; state: AgentState }): boolean {
    return this.agents.has(project.projectId) || isBusyState(project.state);
  }

  /** Refuses before the state is read: an agent here works on the project. */
  refuseIfRunning(projectId: string): void {
    if (this.agents.has(projectId)) {
      throw generationRunning();
    }
  }

  refuseIfBusy(project: { projectId: string; state: AgentState }): void {
    if (this.isBusy(project)) {
      throw generationRunning();
    }
  }

  /** Runs `work` holding the project's lease while it is idle, then gives the lease back. */
  async whileIdle<T>(projectId: string, work: (row: AgentSnapshotRow) => Promise<T>): Promise<T> {
    this.refuseIfRunning(projectId);
    const row = await this.leases.take(projectId);
    try {
      this.refuseIfBusy(row);
      return await work(row);
    } finally {
      await this.leases.release(projectId);
    }
  }
}
