import fc from 'fast-check';
import { LlmModelListSchema, parseListedModels } from './llm-models';

describe(parseListedModels.name, () => {
  it("reads OpenRouter's list with its prices per token", () => {
    const models = parseListedModels({
      data: [
        {
          id: 'anthropic/claude-sonnet-4.5',
          name: 'Anthropic: Claude Sonnet 4.5',
          pricing: { prompt: '0.000003', completion: '0.000015', request: '0' },
        },
        { id: 'openrouter/free', name: ' ', pricing: { prompt: '-1', completion: 'n/a' } },
      ],
    });
    expect(models).toEqual([
      {
        id: 'anthropic/claude-sonnet-4.5',
        name: 'Anthropic: Claude Sonnet 4.5',
        promptUsdPerToken: 0.000003,
        completionUsdPerToken: 0.000015,
      },
      { id: 'openrouter/free', name: null, promptUsdPerToken: null, completionUsdPerToken: null },
    ]);
  });

  it("reads an OpenAI-compatible server's list (ids only), skipping unusable and repeated ids", () => {
    expect(
      parseListedModels({
        object: 'list',
        data: [{ id: 'qwen' }, { id: '' }, { id: 3 }, null, { id: 'qwen' }, { id: 'llama' }],
      }).map((model) => model.id),
    ).toEqual(['qwen', 'llama']);
  });

  it('refuses an answer that is not a list of models', () => {
    for (const body of [null, 'x', {}, { data: {} }, { models: [] }]) {
      expect(() => parseListedModels(body)).toThrow('"data" list');
    }
  });

  it('never throws on any list and always yields models the list schema accepts', () => {
    fc.assert(
      fc.property(fc.array(fc.anything()), (data) => {
        const models = parseListedModels({ data });
        const parsed = LlmModelListSchema.safeParse({
          provider: 'openrouter',
          demo: false,
          defaultModel: 'x',
          models,
        });
        expect(parsed.success).toBe(true);
      }),
    );
  });
});
