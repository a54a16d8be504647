import { createDemoLlmHandler, type ScriptedLlmServerOptions } from '@forge/scripted-llm';

/** The runner's settings that send its design and code calls to the demo model. */
export const DEMO_MODEL_ENV: Record<string, string> = {
  LLM_MODEL_DESIGN: 'forge-demo',
  LLM_MODEL_CODE: 'forge-demo',
};

/**
 * A scripted LLM server's options to answer as the offline demo model at the given pace (unlike
 * createDemoLlmServer, which types like a person and forgets old requests).
 */
export function demoLlm(
  pace: Pick<ScriptedLlmServerOptions, 'chunkSize' | 'chunksPerSecond'>,
): ScriptedLlmServerOptions {
  return { handler: createDemoLlmHandler(), models: ['forge-demo'], ...pace };
}
