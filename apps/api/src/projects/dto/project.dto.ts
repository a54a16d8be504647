export interface ProjectDto {
  id: string;
  name: string;
  description: string;
  /** The agent's state (IDLE, DESIGNING_PHASE, …, COMPLETE). */
  state: string;
  createdAt: string;
  updatedAt: string;
  /** When the latest thumbnail of its preview was taken; null when it has none. */
  thumbnailAt: string | null;
}
