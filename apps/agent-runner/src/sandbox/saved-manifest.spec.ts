import { needsInstall } from './saved-manifest';

const TEMPLATE = JSON.stringify({
  name: 'starter',
  dependencies: { react: '19.2.0', 'react-dom': '19.2.0' },
  devDependencies: { vite: '7.2.2' },
});

describe(needsInstall.name, () => {
  it('is false without a saved package.json or with the template’s dependencies in any order', () => {
    expect(needsInstall(undefined, TEMPLATE)).toBe(false);
    const reordered = JSON.stringify({
      devDependencies: { vite: '7.2.2' },
      name: 'renamed',
      dependencies: { 'react-dom': '19.2.0', react: '19.2.0' },
    });
    expect(needsInstall(reordered, TEMPLATE)).toBe(false);
  });

  it('is true when a package is added, removed or its range changed', () => {
    const added = JSON.parse(TEMPLATE) as { dependencies: Record<string, string> };
    added.dependencies['zustand'] = '5.0.0';
    expect(needsInstall(JSON.stringify(added), TEMPLATE)).toBe(true);
    expect(needsInstall(JSON.stringify({ dependencies: { react: '19.2.0' } }), TEMPLATE)).toBe(
      true,
    );
    expect(needsInstall(TEMPLATE.replace('7.2.2', '7.3.0'), TEMPLATE)).toBe(true);
  });

  it('is false for a package.json that is not JSON', () => {
    expect(needsInstall('{ not json', TEMPLATE)).toBe(false);
  });
});
