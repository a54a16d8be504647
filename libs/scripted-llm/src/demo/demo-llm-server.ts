import { createScriptedLlmServer, type ScriptedLlmServer } from '../server/scripted-llm-server';
import { createDemoLlmHandler, DEMO_MODEL_ID } from './demo-llm-handler';

export interface DemoLlmServerOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  chunkSize?: number;
  /** Infinity streams as fast as the socket takes it (tests). */
  chunksPerSecond?: number;
}

/** Paced to look like a model typing: about 2,000 characters a second. */
export const DEMO_LLM_DEFAULTS = {
  chunkSize: 24,
  chunksPerSecond: 80,
  /** The demo runs for as long as `npm start` does; keep only the latest requests. */
  maxRecordedRequests: 50,
} as const;

/** The offline demo model over HTTP, as `npm start` runs it when no LLM key is configured. */
export function createDemoLlmServer(
  options: DemoLlmServerOptions = {},
): Promise<ScriptedLlmServer> {
  return createScriptedLlmServer({
    handler: createDemoLlmHandler(),
    models: [DEMO_MODEL_ID],
    host: options.host,
    port: options.port,
    apiKey: options.apiKey,
    chunkSize: options.chunkSize ?? DEMO_LLM_DEFAULTS.chunkSize,
    chunksPerSecond: options.chunksPerSecond ?? DEMO_LLM_DEFAULTS.chunksPerSecond,
    maxRecordedRequests: DEMO_LLM_DEFAULTS.maxRecordedRequests,
  });
}
