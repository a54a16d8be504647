import { Inject, Injectable } from '@nestjs/common';
import { RUNNER_CONFIG, type RunnerConfig } from '../../config/runner-config';
import { EventHub } from '../../events/event-hub';
import { AgentStore } from '../agent-store';
import { ProjectActivity } from '../project-activity';
import { ProjectLeases } from '../project-leases';
import { RunningAgents } from '../running-agents';
import { changeState } from '../state-change';
import { ProjectNotes } from './project-notes';

/** Stops a running generation; a project left busy by a dead runner is set IDLE. */
@Injectable()
export class CancelGeneration {
  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly agents: RunningAgents,
    private readonly activity: ProjectActivity,
    private readonly leases: ProjectLeases,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
    private readonly notes: ProjectNotes,
  ) {}

  async execute(projectId: string): Promise<void> {
    const running = this.agents.get(projectId);
    if (running) {
      running.cancel();
      await this.agents.settled(projectId);
      return;
    }
    const row = await this.leases.take(projectId);
    try {
      if (!this.activity.isBusy(row)) {
        return;
      }
      const target = { runnerId: this.config.RUNNER_ID, store: this.store, hub: this.hub };
      await changeState(target, row, { type: 'cancel' }, { filesInFlight: [], error: null });
      await this.notes.note(projectId, 'Stopped. The files written so far are kept.');
    } finally {
      await this.leases.release(projectId);
    }
  }
}
