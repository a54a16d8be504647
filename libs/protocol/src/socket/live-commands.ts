import { z } from 'zod';
import { ModelIdSchema } from '../agent/llm-models';

/** A project id as the database gives them out. */
export const ProjectIdSchema = z.uuid({ message: 'projectId must be a project id (a UUID)' });

/**
 * The last seq a client saw of the project, when it comes back: the events after it that a
 * snapshot does not show (a dev server start, a version, logs…) are sent before the snapshot,
 * as far as the runner still has them.
 */
export const SinceSeqSchema = z
  .number({ message: 'since must be a seq' })
  .int({ message: 'since must be a seq' })
  .min(0, { message: 'since must be a seq' })
  .optional();

/** `join {projectId, since?}`: answered with a `snapshot`, then every later event of the project. */
export const JoinCommandSchema = z.strictObject({
  projectId: ProjectIdSchema,
  since: SinceSeqSchema,
});

/** `leave {projectId}`: stops the project's events on this socket. */
export const LeaveCommandSchema = z.strictObject({ projectId: ProjectIdSchema });

/** `get_state {projectId}`: a fresh `snapshot`; joins the project when the socket had not. */
export const GetStateCommandSchema = z.strictObject({
  projectId: ProjectIdSchema,
  since: SinceSeqSchema,
});

/**
 * `generate {projectId, description, model?}`: the user's request, saved as a chat message;
 * `model`, one of the models GET /api/models lists, is used for this request only.
 */
export const GenerateCommandSchema = z.strictObject({
  projectId: ProjectIdSchema,
  description: z.string({ message: 'description must be text' }),
  model: ModelIdSchema.optional(),
});

/** `cancel {projectId}`: stops the running generation; files closed so far are kept. */
export const CancelCommandSchema = z.strictObject({ projectId: ProjectIdSchema });

/**
 * `save_file {projectId, path, content}`: the user's edit, saved to the database and the sandbox
 * and recorded as a version; refused while a generation runs. The path is checked again by the
 * runner (checkProjectPath) and the content's size against FILE_MAX_BYTES.
 */
export const SaveFileCommandSchema = z.strictObject({
  projectId: ProjectIdSchema,
  path: z.string({ message: 'path must be text' }).min(1, { message: 'path is empty' }),
  content: z.string({ message: 'content must be text' }),
});

/** `rollback {projectId, version}`: the project's files become those of that version again. */
export const RollbackCommandSchema = z.strictObject({
  projectId: ProjectIdSchema,
  version: z.number().int().positive({ message: 'version must be a version number' }),
});

/** Every command a browser may send over the socket, by event name. */
export const LIVE_COMMAND_SCHEMAS = {
  join: JoinCommandSchema,
  leave: LeaveCommandSchema,
  get_state: GetStateCommandSchema,
  generate: GenerateCommandSchema,
  cancel: CancelCommandSchema,
  save_file: SaveFileCommandSchema,
  rollback: RollbackCommandSchema,
} as const;

export type LiveCommandName = keyof typeof LIVE_COMMAND_SCHEMAS;

export type LiveCommandPayloads = {
  [K in LiveCommandName]: z.infer<(typeof LIVE_COMMAND_SCHEMAS)[K]>;
};

export function isLiveCommandName(name: string): name is LiveCommandName {
  return Object.prototype.hasOwnProperty.call(LIVE_COMMAND_SCHEMAS, name);
}

/** Validates a command's payload; the problem is a one-line message a developer can act on. */
export function parseLiveCommand<K extends LiveCommandName>(
  name: K,
  payload: unknown,
): { ok: true; value: LiveCommandPayloads[K] } | { ok: false; problem: string } {
  const result = LIVE_COMMAND_SCHEMAS[name].safeParse(payload);
  if (result.success) {
    return { ok: true, value: result.data as LiveCommandPayloads[K] };
  }
  return { ok: false, problem: describeIssues(result.error) };
}

/** `path: message; path: message`, short enough to send back to a client. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
