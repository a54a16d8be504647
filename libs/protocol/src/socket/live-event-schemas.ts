import { z } from 'zod';
import {
  AgentErrorSchema,
  BlueprintSchema,
  ChatMessageViewSchema,
  PhaseInfoSchema,
  ProblemItemSchema,
  ProjectFileSchema,
  SERVER_EVENT_SCHEMAS,
} from '../agent/event-schemas';
import { AGENT_STATES } from '../agent/agent-state';
import { ErrorCode } from '../errors';
import { type CommandError, type LiveServerEventMap } from './live-events';
import { type ProjectSnapshot } from './project-snapshot';

/*
 * Schemas of what the API sends to browsers. The API checks a runner's snapshot with them; the
 * web app only takes the types (zod stays out of its bundle).
 */

export const ProjectSnapshotSchema = z.looseObject({
  projectId: z.string(),
  seq: z.number().int().min(0),
  state: z.enum(AGENT_STATES),
  blueprint: BlueprintSchema.nullable(),
  phases: z.array(PhaseInfoSchema),
  request: z.number().optional(),
  version: z.number().int().min(0).optional(),
  currentPhase: z.number(),
  error: AgentErrorSchema.nullable(),
  files: z.array(ProjectFileSchema),
  streaming: z
    .looseObject({
      path: z.string(),
      content: z.string(),
      encoding: z.literal('base64').optional(),
    })
    .nullable(),
  checking: z.number().nullable().optional(),
  messages: z.array(ChatMessageViewSchema),
  messagesTruncated: z.boolean(),
  problems: z
    .looseObject({ checks: z.array(ProblemItemSchema), browser: z.array(ProblemItemSchema) })
    .optional(),
}) satisfies z.ZodType<ProjectSnapshot>;

export const CommandErrorSchema = z.looseObject({
  code: z.enum(ErrorCode),
  message: z.string(),
  command: z.string().optional(),
  projectId: z.string().optional(),
  retryAfterSeconds: z.number().optional(),
}) satisfies z.ZodType<CommandError>;

/** Every server → browser event's schema, by name. */
export const LIVE_SERVER_EVENT_SCHEMAS: {
  [K in keyof LiveServerEventMap]: z.ZodType<LiveServerEventMap[K]>;
} = {
  ...SERVER_EVENT_SCHEMAS,
  error: z.union([SERVER_EVENT_SCHEMAS.error, CommandErrorSchema]),
  snapshot: ProjectSnapshotSchema,
};
