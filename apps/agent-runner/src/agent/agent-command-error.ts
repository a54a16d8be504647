import { CodedError, ErrorCode } from '@forge/protocol';

/** A command the runner refuses, with a message for the user. */
export class AgentCommandError extends CodedError {}

export function generationRunning(): AgentCommandError {
  return new AgentCommandError(
    ErrorCode.GenerationRunning,
    'A generation is running on this project; wait for it to finish or stop it first.',
  );
}

export function projectNotFound(): AgentCommandError {
  return new AgentCommandError(ErrorCode.ProjectNotFound, 'No such project.');
}
