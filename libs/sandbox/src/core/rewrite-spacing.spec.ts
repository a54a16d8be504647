import { RewriteSpacing } from './rewrite-spacing';

describe(RewriteSpacing.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('holds a second replacement of a file until the gap since the first has passed', async () => {
    const spacing = new RewriteSpacing(250);
    const order: string[] = [];
    await spacing.space(['src/App.tsx'], async () => void order.push('first'));
    const second = spacing.space(['src/other.ts', 'src/App.tsx'], async () => {
      order.push('second');
    });
    await jest.advanceTimersByTimeAsync(249);
    expect(order).toEqual(['first']);
    await jest.advanceTimersByTimeAsync(1);
    await second;
    expect(order).toEqual(['first', 'second']);
  });

  it('lets other files through at once', async () => {
    const spacing = new RewriteSpacing(250);
    const order: string[] = [];
    await spacing.space(['src/App.tsx'], async () => void order.push('first'));
    await spacing.space(['src/other.ts'], async () => void order.push('other'));
    expect(order).toEqual(['first', 'other']);
  });
});
