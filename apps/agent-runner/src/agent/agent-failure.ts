/** An error that ends a generation: the agent goes back to IDLE and keeps it to show. */
export class AgentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AgentFailure';
  }
}
