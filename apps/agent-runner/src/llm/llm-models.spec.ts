import { createScriptedLlmServer, type ScriptedLlmServer } from '@forge/scripted-llm';
import { LlmModelError, OPENROUTER_DEFAULT_MODEL, resolveModels } from './llm-models';

describe('resolveModels', () => {
  const servers: ScriptedLlmServer[] = [];
  const serve = async (models: string[]) => {
    const server = await createScriptedLlmServer({ replies: [], models, host: '127.0.0.1' });
    servers.push(server);
    return { kind: 'openai-compatible' as const, baseURL: server.url, apiKey: 'key' };
  };

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('asks an OpenAI-compatible server for its models when none is named', async () => {
    const server = await serve(['qwen2.5-coder:7b', 'llama3.1:8b']);
    expect(await resolveModels({}, server)).toEqual({
      design: 'qwen2.5-coder:7b',
      code: 'qwen2.5-coder:7b',
    });
    expect(await resolveModels({ code: 'llama3.1:8b' }, server)).toEqual({
      design: 'llama3.1:8b',
      code: 'llama3.1:8b',
    });
  });

  it('stops the start naming LLM_MODEL_CODE when the server lists none or cannot be asked', async () => {
    const empty = await serve([]);
    await expect(resolveModels({}, empty)).rejects.toThrow(LlmModelError);
    await expect(resolveModels({}, empty)).rejects.toThrow(/lists no model: set LLM_MODEL_CODE/);
    const dead = { ...empty, baseURL: 'http://127.0.0.1:9/v1' };
    await expect(resolveModels({}, dead)).rejects.toThrow(/failed .*set LLM_MODEL_CODE/);
  });

  it("keeps OpenRouter's default and never sends it to another server", async () => {
    const openrouter = { kind: 'openrouter' as const, baseURL: 'http://127.0.0.1:9', apiKey: 'k' };
    expect(await resolveModels({ design: 'openai/gpt-5' }, openrouter)).toEqual({
      design: 'openai/gpt-5',
      code: 'openai/gpt-5',
    });
    expect((await resolveModels({}, openrouter)).code).toBe(OPENROUTER_DEFAULT_MODEL);
    const other = await serve(['local-model']);
    expect((await resolveModels({}, other)).code).not.toBe(OPENROUTER_DEFAULT_MODEL);
  });
});
