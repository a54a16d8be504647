export interface ProjectDto {
  id: string;
  name: string;
  description: string;
  /** The agent's state (DESIGNING_PHASE, …, COMPLETE), or IDLE, STOPPED or FAILED once idle. */
  state: string;
  /** The LLM calls made for the project so far: tokens, cost (null when never reported). */
  usage: ProjectUsageDto;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectUsageDto {
  promptTokens: number;
  completionTokens: number;
  costUsd: number | null;
  calls: number;
}
