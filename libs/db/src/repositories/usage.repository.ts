import { type DataSource } from 'typeorm';
import { type LlmUsage } from '../entities';

/** Tokens, cost and calls summed (PostgreSQL answers sums and counts as text). */
export interface UsageSumRow {
  tokens: string;
  cost: string | null;
  calls: string;
}

/** LLM calls' tokens and cost (llm_usage). */
export class UsageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a call for the project and its owner; nothing when the project is gone. */
  async record(
    usage: Pick<LlmUsage, 'role' | 'model' | 'promptTokens' | 'completionTokens'> & {
      projectId: string;
      costUsd: number | null;
    },
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO llm_usage (project_id, user_id, role, model, prompt_tokens, completion_tokens, cost_usd)
       SELECT p.id, p.owner_id, $2, $3, $4, $5, $6 FROM projects p WHERE p.id = $1`,
      [
        usage.projectId,
        usage.role,
        usage.model,
        usage.promptTokens,
        usage.completionTokens,
        usage.costUsd,
      ],
    );
  }

  /** The calls since the project's last user message. */
  async sinceLastRequest(projectId: string): Promise<UsageSumRow | null> {
    const rows: UsageSumRow[] = await this.dataSource.query(
      `SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) AS tokens,
         sum(cost_usd) AS cost, count(*) AS calls
       FROM llm_usage WHERE project_id = $1 AND created_at >= (
         SELECT max(created_at) FROM conversation_messages WHERE project_id = $1 AND role = 'user')`,
      [projectId],
    );
    return rows[0] ?? null;
  }
}
