import { CodedError } from '@forge/protocol';

/**
 * An error that ends a generation: the agent goes back to IDLE and keeps it to show. Its code is
 * an ErrorCode, or the code of what failed underneath (the LLM's, the stream format's).
 */
export class AgentFailure extends CodedError<string> {}
