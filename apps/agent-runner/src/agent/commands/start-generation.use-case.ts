import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../../config/runner-config';
import { EventHub } from '../../events/event-hub';
import { LLM_MODELS } from '../../llm/llm.module';
import { type ModelCatalog, UnknownModelError } from '../../llm/model-catalog';
import { AgentCommandError, projectNotFound } from '../agent-command-error';
import { type AgentSnapshotRow, AgentStore } from '../agent-store';
import { PerOwnerQueue } from '../per-owner-queue';
import { ProjectActivity } from '../project-activity';
import { ProjectLeases } from '../project-leases';
import { RunningAgents } from '../running-agents';
import { changeState, type StateChangeTarget } from '../state-change';

/**
 * Starts generating for a request on a project that is IDLE or COMPLETE; `model`, when named,
 * must be one the LLM server lists and is used for this request only.
 */
@Injectable()
export class StartGeneration {
  private readonly perOwner = new PerOwnerQueue();
  private readonly target: StateChangeTarget;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    @Inject(LLM_MODELS) private readonly models: ModelCatalog,
    private readonly agents: RunningAgents,
    private readonly activity: ProjectActivity,
    private readonly leases: ProjectLeases,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
  ) {
    this.target = { runnerId: config.RUNNER_ID, store, hub };
  }

  async execute(projectId: string, request: string, model?: string): Promise<void> {
    const text = request.trim();
    if (!text) {
      throw new AgentCommandError(ErrorCode.RequestEmpty, 'Describe what to build or change.');
    }
    if (text.length > this.config.AGENT_REQUEST_MAX_LENGTH) {
      throw new AgentCommandError(
        ErrorCode.RequestTooLong,
        `The request is ${text.length} characters long; the limit (AGENT_REQUEST_MAX_LENGTH) is ${this.config.AGENT_REQUEST_MAX_LENGTH}.`,
      );
    }
    if (model) {
      await this.models.check(model).catch((error: unknown) => {
        if (error instanceof UnknownModelError) {
          throw new AgentCommandError(ErrorCode.UnknownModel, error.message);
        }
        throw error;
      });
    }
    this.activity.refuseIfRunning(projectId);
    // Refuse before taking the lease: a refused command must not keep the project leased here.
    const current = await this.store.load(projectId);
    if (current) {
      this.activity.refuseIfBusy(current);
    }
    const ownerId = current?.ownerId ?? (await this.store.ownerOf(projectId));
    if (!ownerId) {
      throw projectNotFound();
    }
    // The count and the start that makes it one more happen in one go per user.
    return this.perOwner.run(ownerId, async () => {
      await this.checkGenerationCap(ownerId, projectId);
      await this.start(projectId, text, model ?? null);
    });
  }

  /** Refuses a generation past GENERATIONS_MAX_PER_USER running ones of the same user. */
  private async checkGenerationCap(ownerId: string, projectId: string): Promise<void> {
    const max = this.config.GENERATIONS_MAX_PER_USER;
    const busy = (await this.store.busyProjectsOf(ownerId)).filter((id) => id !== projectId);
    if (busy.length >= max) {
      throw new AgentCommandError(
        ErrorCode.GenerationsLimit,
        `You already have ${busy.length} generations running; the limit (GENERATIONS_MAX_PER_USER) is ${max}. Wait for one to finish or stop it, then try again.`,
      );
    }
  }

  private async start(projectId: string, text: string, model: string | null): Promise<void> {
    this.activity.refuseIfRunning(projectId);
    let row = await this.leases.take(projectId);
    try {
      row = await this.begin(row, text, model);
    } catch (error) {
      await this.leases.release(projectId);
      throw error;
    }
    this.agents.start(row);
  }

  /** Moves a project taken for a request to DESIGNING_PHASE, with the request in its chat. */
  private async begin(
    taken: AgentSnapshotRow,
    text: string,
    model: string | null,
  ): Promise<AgentSnapshotRow> {
    const projectId = taken.projectId;
    let row = taken;
    this.activity.refuseIfBusy(row);
    if (row.state === 'COMPLETE') {
      row = await changeState(this.target, row, { type: 'reset' });
    }
    const message = await this.store.addMessage(projectId, 'user', text);
    await this.hub.emit(projectId, {
      type: 'message',
      id: message.id,
      role: 'user',
      content: text,
      createdAt: message.createdAt,
    });
    const lastPhase = row.phases.reduce((max, phase) => Math.max(max, phase.number), 0);
    return changeState(
      this.target,
      row,
      { type: 'generate' },
      {
        request: text,
        requestNumber: row.requestNumber + 1,
        requestModel: model,
        currentPhase: lastPhase + 1,
        filesInFlight: [],
        error: null,
      },
    );
  }
}
