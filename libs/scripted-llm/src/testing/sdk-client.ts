import OpenAI from 'openai';
import { type ScriptedLlmServer } from '../server/scripted-llm-server';

/** The real openai SDK pointed at a scripted server; retries off unless a test asks for them. */
export function sdkClient(
  server: ScriptedLlmServer,
  options: { maxRetries?: number; timeout?: number; apiKey?: string } = {},
): OpenAI {
  return new OpenAI({
    baseURL: server.url,
    apiKey: options.apiKey ?? 'test',
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout,
  });
}

export const USER_MESSAGES: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are a test.' },
  { role: 'user', content: 'Say something.' },
];

/** Streams a completion and collects its content pieces and chunks. */
export async function collectStream(
  client: OpenAI,
  params: { model?: string; includeUsage?: boolean } = {},
): Promise<{ pieces: string[]; chunks: OpenAI.ChatCompletionChunk[] }> {
  const stream = await client.chat.completions.create({
    model: params.model ?? 'scripted-llm',
    messages: USER_MESSAGES,
    stream: true,
    ...(params.includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  const pieces = chunks.flatMap((chunk) =>
    chunk.choices.map((choice) => choice.delta.content ?? '').filter((piece) => piece !== ''),
  );
  return { pieces, chunks };
}
