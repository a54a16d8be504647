export interface ProjectDto {
  id: string;
  name: string;
  description: string;
  /** The agent's state (IDLE, DESIGNING_PHASE, …, COMPLETE). */
  state: string;
  createdAt: string;
  updatedAt: string;
}
