import { z } from 'zod';
import { type ServerEvent } from '../agent/events';
import { type Parsed, parseServerEvent, ServerEventSchema } from '../agent/event-schemas';
import { ErrorCode } from '../errors';
import { type LlmModelList, LlmModelListSchema, ModelIdSchema } from '../agent/llm-models';
import { RuntimeErrorReportsSchema } from '../agent/versions';
import {
  ProjectIdSchema,
  RollbackCommandSchema,
  SaveFileCommandSchema,
  SinceSeqSchema,
  describeIssues,
} from './live-commands';
import { ProjectSnapshotSchema } from './live-event-schemas';
import { type ProjectSnapshot } from './project-snapshot';

/**
 * The link between the API and the agent-runner: Socket.IO on the runner's port under this
 * path, websocket only, authenticated with RUNNER_SERVICE_TOKEN in the handshake `auth`.
 */
export const RUNNER_LINK_PATH = '/link';

/** Largest message the runner accepts from an API (commands are small; prompts are capped). */
export const RUNNER_LINK_MESSAGE_MAX_BYTES = 1_048_576;

/** Most projects one watch or unwatch may name. */
export const RUNNER_LINK_WATCH_BATCH_MAX = 10_000;

const ProjectIds = z.array(ProjectIdSchema).max(RUNNER_LINK_WATCH_BATCH_MAX);

/** API → runner commands, validated by the runner. */
export const RUNNER_LINK_COMMAND_SCHEMAS = {
  /** Who is this runner. */
  hello: z.strictObject({}),
  /** Send me these projects' events from now on. */
  watch: z.strictObject({ projectIds: ProjectIds }),
  unwatch: z.strictObject({ projectIds: ProjectIds }),
  /** Watch the project and answer its snapshot (and the events since `since` it keeps). */
  snapshot: z.strictObject({ projectId: ProjectIdSchema, since: SinceSeqSchema }),
  generate: z.strictObject({
    projectId: ProjectIdSchema,
    description: z.string(),
    model: ModelIdSchema.optional(),
  }),
  /** The models requests may choose from (the LLM server's list, fetched and kept a while). */
  models: z.strictObject({}),
  cancel: z.strictObject({ projectId: ProjectIdSchema }),
  /** Wake the project's sandbox and answer where its dev server listens (for the preview proxy). */
  preview: z.strictObject({ projectId: ProjectIdSchema }),
  save_file: SaveFileCommandSchema,
  rollback: RollbackCommandSchema,
  /** Errors the project's preview reported from a browser (relayed by the preview proxy). */
  runtime_errors: z.strictObject({ projectId: ProjectIdSchema, errors: RuntimeErrorReportsSchema }),
  /** The project was deleted: stop its generation here and destroy its sandbox. */
  destroy: z.strictObject({ projectId: ProjectIdSchema }),
  /**
   * Build version `version` of the project into a static site in its sandbox, apart from its
   * workspace's files, within the API's limits (PUBLISH_MAX_BYTES, PUBLISH_MAX_FILES,
   * PUBLISH_BUILD_TIMEOUT_MS), and answer the built files.
   */
  publish_build: z.strictObject({
    projectId: ProjectIdSchema,
    version: z.number().int().min(1),
    maxBytes: z.number().int().min(1),
    maxFiles: z.number().int().min(1),
    maxServerBytes: z.number().int().min(1),
    timeoutMs: z.number().int().min(1),
  }),
  /**
   * Start the server part of the project's published build unless it runs, and answer where
   * it listens (for the published-app server's /api); the bundle is read from PostgreSQL.
   */
  app_server: z.strictObject({ projectId: ProjectIdSchema }),
  /** The project was unpublished: stop its server part. */
  app_server_stop: z.strictObject({ projectId: ProjectIdSchema }),
} as const;

export type RunnerLinkCommandName = keyof typeof RUNNER_LINK_COMMAND_SCHEMAS;

export type RunnerLinkCommandPayloads = {
  [K in RunnerLinkCommandName]: z.infer<(typeof RUNNER_LINK_COMMAND_SCHEMAS)[K]>;
};

/** What each command answers on success. */
export interface RunnerLinkResults {
  hello: { runnerId: string };
  watch: object;
  unwatch: object;
  /** `leaseOwner`: the runner holding the project now (null when none), which the API
   * asks instead when it is another one, because only it knows the file being streamed. */
  snapshot: {
    snapshot: ProjectSnapshot;
    servedBy: string;
    leaseOwner: string | null;
    /** Kept events numbered after `since` up to the snapshot's seq, oldest first; those a
     * snapshot shows whole (file_chunk, file_end) are not kept. */
    missed: ServerEvent[];
  };
  generate: object;
  models: { list: LlmModelList };
  cancel: object;
  /** The dev server as the API reaches it; null when the runner has no sandbox (none provider). */
  preview: { url: string | null };
  /** The version the edit or rollback made. */
  save_file: { version: number };
  rollback: { version: number };
  runtime_errors: object;
  destroy: object;
  /** The built site's files, their content in base64; `server`: the server part, base64 or null. */
  publish_build: { files: { path: string; content: string }[]; server: string | null };
  /**
   * The published server part as the API reaches it; `renewMs`: ask again (which counts as a
   * use) once this long has passed, for the runner stops a server part nobody asks for (null,
   * or absent from an older runner: the answer holds until it stops answering).
   */
  app_server: { url: string; renewMs?: number | null };
  app_server_stop: object;
}

export type RunnerLinkReply<K extends RunnerLinkCommandName> =
  | ({ ok: true } & RunnerLinkResults[K])
  | { ok: false; error: { code: ErrorCode; message: string } };

const Done = z.looseObject({});
const Version = z.looseObject({ version: z.number().int().min(1) });

/** What each command answers on success, checked by the API (keys it does not know pass). */
export const RUNNER_LINK_RESULT_SCHEMAS: {
  [K in RunnerLinkCommandName]: z.ZodType<RunnerLinkResults[K]>;
} = {
  hello: z.looseObject({ runnerId: z.string() }),
  watch: Done,
  unwatch: Done,
  snapshot: z.looseObject({
    snapshot: ProjectSnapshotSchema,
    servedBy: z.string(),
    leaseOwner: z.string().nullable(),
    missed: z.array(ServerEventSchema),
  }),
  generate: Done,
  models: z.looseObject({ list: LlmModelListSchema }),
  cancel: Done,
  preview: z.looseObject({ url: z.string().nullable() }),
  save_file: Version,
  rollback: Version,
  runtime_errors: Done,
  destroy: Done,
  publish_build: z.looseObject({
    files: z.array(z.looseObject({ path: z.string(), content: z.string() })),
    server: z.string().nullable(),
  }),
  app_server: z.looseObject({
    url: z.string(),
    renewMs: z.number().int().min(1).nullable().optional(),
  }),
  app_server_stop: Done,
};

/** The shape every reply has, checked by the API before it reads further. */
export const RunnerLinkReplySchema = z.union([
  z.looseObject({ ok: z.literal(true) }),
  z.looseObject({
    ok: z.literal(false),
    // A code this side does not know (a runner of another version) reads as INTERNAL.
    error: z.looseObject({
      code: z.enum(ErrorCode).catch(ErrorCode.Internal),
      message: z.string(),
    }),
  }),
]);

/** Checks a runner's answer to `name`: a refusal, or the command's result. */
export function parseRunnerLinkReply<K extends RunnerLinkCommandName>(
  name: K,
  reply: unknown,
): Parsed<RunnerLinkReply<K>> {
  const outcome = RunnerLinkReplySchema.safeParse(reply);
  if (!outcome.success) {
    return { ok: false, problem: describeIssues(outcome.error) };
  }
  if (!outcome.data.ok) {
    const { code, message } = outcome.data.error;
    return { ok: true, value: { ok: false, error: { code, message } } };
  }
  const result = RUNNER_LINK_RESULT_SCHEMAS[name].safeParse(reply);
  if (!result.success) {
    return { ok: false, problem: describeIssues(result.error) };
  }
  return { ok: true, value: { ...result.data, ok: true } };
}

export type RunnerLinkCommands = {
  [K in RunnerLinkCommandName]: (
    payload: RunnerLinkCommandPayloads[K],
    ack: (reply: RunnerLinkReply<K>) => void,
  ) => void;
};

/**
 * Runner → API messages besides replies, by name, with what each carries. `events`: the events
 * of the projects the API watches, in seq order per project, sent in batches of what the runner
 * emitted in one turn of its event loop (a frame per event costs a system call each). A
 * command's answer always follows the events emitted before it.
 */
export interface RunnerLinkEventMap {
  events: ServerEvent[];
}

export type RunnerLinkEventName = keyof RunnerLinkEventMap;

export const RUNNER_LINK_EVENT_SCHEMAS: {
  [K in RunnerLinkEventName]: z.ZodType<RunnerLinkEventMap[K]>;
} = {
  events: z.array(ServerEventSchema),
};

/**
 * Checks an `events` batch event by event: the good ones, and a line for each one refused
 * (one bad event does not cost the others), or for the batch when it is no list at all.
 */
export function parseRunnerEventBatch(batch: unknown): {
  events: ServerEvent[];
  problems: string[];
} {
  if (!Array.isArray(batch)) {
    return { events: [], problems: ['events: not a list of events'] };
  }
  const events: ServerEvent[] = [];
  const problems: string[] = [];
  for (const item of batch) {
    const parsed = parseServerEvent(item);
    if (parsed.ok) {
      events.push(parsed.value);
    } else {
      problems.push(parsed.problem);
    }
  }
  return { events, problems };
}

/** The map as Socket.IO types the runner's emits and the API's listeners. */
export type RunnerLinkEvents = {
  [K in RunnerLinkEventName]: (payload: RunnerLinkEventMap[K]) => void;
};
