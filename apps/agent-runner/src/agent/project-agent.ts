import { Logger } from '@nestjs/common';
import { type AgentState } from '@forge/protocol';
import { LlmError } from '../llm/llm-error';
import { AgentFailure } from './agent-failure';
import { AgentRun, type ProjectAgentDeps } from './agent-run';
import { type AgentSnapshotRow, LeaseLostError } from './agent-store';
import { isDatabaseOutage } from './database-outage';
import { designPhase } from './design-step';
import { implementPhase } from './implement-step';
import { installDeps } from './install-step';
import { startServer } from './start-server-step';

export type { AgentCheckSettings, ProjectAgentDeps } from './agent-run';

/**
 * Drives one project's generation from its persisted state to COMPLETE (or IDLE on cancel or
 * failure), one step per state. Every transition and every closed file is written before it
 * is announced, so a runner that dies anywhere leaves a state another runner can resume.
 */
export class ProjectAgent {
  private readonly logger = new Logger(ProjectAgent.name);
  private readonly agentRun: AgentRun;
  private cancelled = false;
  private abandoned = false;

  constructor(row: AgentSnapshotRow, deps: ProjectAgentDeps) {
    this.agentRun = new AgentRun(row, deps, this.logger);
  }

  get projectId(): string {
    return this.agentRun.projectId;
  }

  get state(): AgentState {
    return this.agentRun.row.state;
  }

  /** Stops the generation; run() then returns the project to IDLE with its closed files kept. */
  cancel(): void {
    this.cancelled = true;
    this.agentRun.controller.abort();
  }

  /** Stops without writing anything: the lease is gone, another runner owns the project. */
  abandon(): void {
    this.abandoned = true;
    this.agentRun.controller.abort();
  }

  async run(): Promise<void> {
    const run = this.agentRun;
    try {
      for (;;) {
        if (run.signal.aborted) {
          throw LlmError.aborted();
        }
        switch (run.row.state) {
          case 'DESIGNING_PHASE':
            await designPhase(run);
            break;
          case 'IMPLEMENTING_PHASE':
            await implementPhase(run);
            break;
          case 'INSTALLING_DEPS':
            await installDeps(run);
            break;
          case 'STARTING_SERVER':
            await startServer(run);
            break;
          case 'IDLE':
          case 'COMPLETE':
            return;
        }
      }
    } catch (error) {
      await this.stop(error).catch((stopping: unknown) => {
        // The failure could not be written: the database went away meanwhile.
        if (isDatabaseOutage(stopping)) {
          return this.pauseForDatabase(stopping);
        }
        throw stopping;
      });
    }
  }

  private async stop(cause: unknown): Promise<void> {
    const run = this.agentRun;
    // Files closed before the stop are saved first (a cancel keeps them); a save that failed
    // is what stopped the stream, whatever the stream said.
    const saving = await run.sink?.flush().then(
      () => null,
      (error: unknown) => error,
    );
    const error = saving ?? cause;
    // An install begun as the code streamed ends (cancelled with the run) before the next can.
    await run.earlyInstall?.settled;
    if (this.abandoned || error instanceof LeaseLostError) {
      this.logger.warn(`project ${this.projectId}: stopped, another runner holds it now`);
      return;
    }
    if (!this.cancelled && isDatabaseOutage(error)) {
      return this.pauseForDatabase(error);
    }
    if (this.cancelled) {
      await run.move({ type: 'cancel' }, { error: null, filesInFlight: [] });
      await run.say('Stopped. The files written so far are kept.', 'system');
      return;
    }
    const code =
      error instanceof AgentFailure || error instanceof LlmError ? error.code : 'INTERNAL';
    const message =
      error instanceof AgentFailure || error instanceof LlmError
        ? error.message
        : 'An unexpected error stopped the generation; it has been logged.';
    if (code === 'INTERNAL') {
      this.logger.error((error as Error)?.stack ?? String(error));
    }
    const failure = { code, message, phase: run.row.currentPhase };
    run.markPhase('failed');
    await run.move({ type: 'fail' }, { error: failure, phases: run.row.phases, filesInFlight: [] });
    await run.emit({ type: 'error', ...failure, fatal: true });
    await run.say(`The generation stopped: ${message}`);
  }

  /**
   * PostgreSQL is out of reach: nothing can be saved, so the run stops where its state was last
   * written and leaves the lease to lapse. The runner's heartbeat resumes the project from that
   * state as soon as the database answers again (LeaseHeartbeat), as after a takeover.
   */
  private async pauseForDatabase(error: unknown): Promise<void> {
    const reason = (error as Error)?.message ?? String(error);
    this.logger.warn(`project ${this.projectId}: database unreachable (${reason}); pausing`);
    await this.agentRun
      .emit({
        type: 'log',
        stream: 'system',
        text: `The database is unreachable (${reason}); the generation goes on from its last saved step once it is back.`,
      })
      .catch(() => undefined);
  }
}
