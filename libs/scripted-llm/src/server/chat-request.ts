import { type IncomingMessage } from 'node:http';
import { z } from 'zod';
import { type ChatMessage } from './chat-message';

/** Largest request body accepted; prompts carry a project's files, so this is generous. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

const ContentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const ChatMessageSchema = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
});

/** The part of a chat-completion body the server reads; the rest is kept for the recording. */
const ChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
  body: Record<string, unknown>;
}

export type BodyProblem = { status: 400 | 413; code: string; message: string };

/** Reads the whole body, keeping at most `maxBytes`; null when it was longer. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buffer = part as Buffer;
    size += buffer.length;
    // Keep reading past the limit so the client can receive the 413 rather than a reset.
    if (size <= maxBytes) {
      parts.push(buffer);
    }
  }
  return size > maxBytes ? null : Buffer.concat(parts);
}

export function parseChatRequest(
  raw: Buffer | null,
  maxBytes: number,
): ChatRequestBody | BodyProblem {
  if (raw === null) {
    return {
      status: 413,
      code: 'request_too_large',
      message: `the request body is larger than the limit (maxRequestBodyBytes) of ${maxBytes} bytes`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      status: 400,
      code: 'invalid_json',
      message: `the request body is not valid JSON: ${reason}`,
    };
  }
  const result = ChatRequestSchema.safeParse(value);
  if (!result.success) {
    return {
      status: 400,
      code: 'invalid_request',
      message: `the request body is not a chat completion request:\n${z.prettifyError(result.error)}`,
    };
  }
  const body = result.data;
  return {
    model: body.model,
    messages: body.messages as ChatMessage[],
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    body: body as Record<string, unknown>,
  };
}
