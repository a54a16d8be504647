import { Injectable } from '@nestjs/common';
import { type RuntimeErrorReport } from '@forge/protocol';
import { EventHub } from '../../events/event-hub';
import { AgentCommandError } from '../agent-command-error';
import { problemItems, runtimeProblems } from '../app-checks';
import { ProjectActivity } from '../project-activity';
import { RunningAgents } from '../running-agents';
import { RuntimeErrorLog } from '../runtime-error-log';

/**
 * Errors the project's preview reported from a browser: those of page loads that ran the
 * current code are kept for the checks, and the distinct current ones are shown to the user.
 */
@Injectable()
export class ReportRuntimeErrors {
  constructor(
    private readonly runtimeLog: RuntimeErrorLog,
    private readonly agents: RunningAgents,
    private readonly activity: ProjectActivity,
    private readonly hub: EventHub,
  ) {}

  async execute(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    if (!this.runtimeLog.add(projectId, errors)) {
      return;
    }
    const show = async () => {
      const problems = problemItems(runtimeProblems(this.runtimeLog.current(projectId)));
      await this.hub.emit(projectId, { type: 'problems', source: 'browser', problems });
      this.runtimeLog.shown(projectId, 'browser', problems.length > 0);
    };
    // The running agent's lease covers the event; without one, it is taken like an edit's.
    if (this.agents.has(projectId)) {
      await show();
      return;
    }
    try {
      await this.activity.whileIdle(projectId, show);
    } catch (error) {
      // Kept for the checks all the same; the event is only for eyes on the project right now.
      if (!(error instanceof AgentCommandError)) {
        throw error;
      }
    }
  }
}
