import { parseModelList, priceLabel, usageLabel } from './model-list';

describe(parseModelList.name, () => {
  it('reads the list the API gives, prices kept only when they are numbers', () => {
    expect(
      parseModelList({
        provider: 'openrouter',
        demo: false,
        defaultModel: 'a/b',
        models: [
          { id: 'a/b', name: 'A B', promptUsdPerToken: 0.000003, completionUsdPerToken: 0.000015 },
          { id: 'c', name: null, promptUsdPerToken: -1, completionUsdPerToken: '1' },
        ],
      }),
    ).toEqual({
      provider: 'openrouter',
      demo: false,
      defaultModel: 'a/b',
      models: [
        { id: 'a/b', name: 'A B', promptUsdPerToken: 0.000003, completionUsdPerToken: 0.000015 },
        { id: 'c', name: null, promptUsdPerToken: null, completionUsdPerToken: null },
      ],
    });
  });

  it('refuses another shape', () => {
    for (const body of [
      null,
      {},
      { provider: 'x', demo: false, defaultModel: 'a', models: [] },
      { provider: 'demo', demo: 'yes', defaultModel: 'a', models: [] },
      { provider: 'demo', demo: true, defaultModel: 'a', models: [{ id: '' }] },
    ]) {
      expect(() => parseModelList(body)).toThrow('the model list');
    }
  });
});

describe(priceLabel.name, () => {
  it('gives prices per million tokens, "free", or nothing when unknown', () => {
    const model = { id: 'm', name: null };
    expect(
      priceLabel({ ...model, promptUsdPerToken: 0.000003, completionUsdPerToken: 0.000015 }),
    ).toBe('$3.00 / $15.00 per M tokens');
    expect(priceLabel({ ...model, promptUsdPerToken: 0, completionUsdPerToken: 0 })).toBe('free');
    expect(priceLabel({ ...model, promptUsdPerToken: null, completionUsdPerToken: 0 })).toBeNull();
  });
});

describe(usageLabel.name, () => {
  it('rounds tokens to k and M, and shows the cost only when known', () => {
    expect(usageLabel(950, null)).toBe('950 tokens');
    expect(usageLabel(12_345, 0.0412)).toBe('12.3k tokens · $0.04');
    expect(usageLabel(2_500_000, 0.004)).toBe('2.5M tokens · $0.0040');
    expect(usageLabel(10, 0)).toBe('10 tokens · $0.00');
  });
});
