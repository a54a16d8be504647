import { z } from 'zod';
import { AGENT_STATES, type AgentError, type Blueprint, type PhaseInfo } from './agent-state';
import {
  isServerEventType,
  type ProblemItem,
  type ServerEvent,
  type ServerEventType,
} from './events';
import { type ProjectFile } from '../project-file';
import { describeIssues } from '../socket/live-commands';

/*
 * The schemas of the agent's events, checked where a runner's message enters the API. They
 * check shape, not the agent's own limits (those were applied when the data was made), and
 * keep keys they do not know (loose objects): a newer runner may add a field a browser reads.
 */

const Seq = z.number().int().min(0);
const AgentStateSchema = z.enum(AGENT_STATES);
const FileEncodingSchema = z.literal('base64');

export const ProjectFileSchema = z.looseObject({
  path: z.string(),
  content: z.string(),
  encoding: FileEncodingSchema.optional(),
}) satisfies z.ZodType<ProjectFile>;

export const BlueprintSchema = z.looseObject({
  title: z.string(),
  summary: z.string(),
  views: z.array(z.string()),
  roadmap: z.array(z.string()),
}) satisfies z.ZodType<Blueprint>;

export const PhaseInfoSchema = z.looseObject({
  number: z.number(),
  request: z.number(),
  name: z.string(),
  description: z.string(),
  files: z.array(z.looseObject({ path: z.string(), purpose: z.string() })),
  dependencies: z.array(z.string()),
  lastPhase: z.boolean(),
  status: z.enum(['designed', 'implementing', 'done', 'failed']),
  dataModel: z
    .looseObject({
      tables: z.array(
        z.looseObject({
          name: z.string(),
          purpose: z.string().optional(),
          fields: z.array(z.looseObject({ name: z.string(), type: z.string() })),
        }),
      ),
    })
    .optional(),
  routes: z
    .array(
      z.looseObject({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        path: z.string(),
        purpose: z.string(),
      }),
    )
    .optional(),
  kind: z.literal('fix').optional(),
  fixing: z.array(z.string()).optional(),
  attempt: z.number().optional(),
  maxAttempts: z.number().optional(),
}) satisfies z.ZodType<PhaseInfo>;

export const AgentErrorSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  phase: z.number().optional(),
}) satisfies z.ZodType<AgentError>;

export const ProblemItemSchema = z.looseObject({
  tool: z.enum(['tsc', 'build', 'dev', 'runtime', 'migration']),
  message: z.string(),
  text: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  code: z.string().optional(),
}) satisfies z.ZodType<ProblemItem>;

export const ChatMessageViewSchema = z.looseObject({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  createdAt: z.string(),
});

/** An event of `type` with its payload's fields beside the id, seq and type every event has. */
function event<K extends ServerEventType, S extends z.core.$ZodLooseShape>(type: K, shape: S) {
  return z.looseObject({ type: z.literal(type), projectId: z.string(), seq: Seq, ...shape });
}

type EventSchemas = { [K in ServerEventType]: z.ZodType<Extract<ServerEvent, { type: K }>> };

/** Every agent event's schema, by type. */
export const SERVER_EVENT_SCHEMAS: EventSchemas = {
  state_change: event('state_change', {
    state: AgentStateSchema,
    previous: AgentStateSchema,
    request: z.number().optional(),
  }),
  blueprint: event('blueprint', { blueprint: BlueprintSchema }),
  phase_designing: event('phase_designing', { phase: z.number() }),
  phase_designed: event('phase_designed', { phase: PhaseInfoSchema }),
  file_start: event('file_start', {
    path: z.string(),
    phase: z.number(),
    encoding: FileEncodingSchema.optional(),
  }),
  file_chunk: event('file_chunk', { path: z.string(), chunk: z.string() }),
  file_end: event('file_end', {
    path: z.string(),
    content: z.string(),
    phase: z.number(),
    encoding: FileEncodingSchema.optional(),
  }),
  file_deleted: event('file_deleted', { path: z.string(), phase: z.number() }),
  files_written: event('files_written', { phase: z.number(), paths: z.array(z.string()) }),
  deps_installed: event('deps_installed', { packages: z.array(z.string()) }),
  server_started: event('server_started', {
    phase: z.number(),
    restarted: z.boolean().optional(),
  }),
  checking: event('checking', { phase: z.number() }),
  generation_complete: event('generation_complete', {
    files: z.array(z.string()),
    phases: z.number(),
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
  }),
  error: event('error', { ...AgentErrorSchema.shape, fatal: z.boolean() }),
  message: event('message', ChatMessageViewSchema.shape),
  log: event('log', {
    stream: z.enum(['install', 'dev', 'system', 'check']),
    text: z.string(),
  }),
  usage: event('usage', {
    role: z.string(),
    model: z.string(),
    promptTokens: z.number(),
    completionTokens: z.number(),
    costUsd: z.number().nullable(),
  }),
  version_created: event('version_created', {
    number: z.number(),
    label: z.string(),
    reason: z.enum(['phase', 'fix', 'edit', 'rollback']),
    createdAt: z.string(),
  }),
  problems: event('problems', {
    source: z.enum(['checks', 'browser']),
    problems: z.array(ProblemItemSchema),
  }),
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Checks one agent event; the problem names its type and what is wrong, in one line. */
export function parseServerEvent(value: unknown): Parsed<ServerEvent> {
  const type: unknown =
    typeof value === 'object' && value !== null && 'type' in value && value.type;
  if (typeof type !== 'string') {
    return { ok: false, problem: 'not an event: it has no type' };
  }
  if (!isServerEventType(type)) {
    return { ok: false, problem: `not an event: type ${JSON.stringify(type.slice(0, 80))}` };
  }
  const result = SERVER_EVENT_SCHEMAS[type].safeParse(value);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  return { ok: false, problem: `${type}: ${describeIssues(result.error)}` };
}

/** Any agent event, for schemas that hold events (a snapshot's missed ones). */
export const ServerEventSchema = z.unknown().transform((value, ctx): ServerEvent => {
  const parsed = parseServerEvent(value);
  if (parsed.ok) {
    return parsed.value;
  }
  ctx.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});
