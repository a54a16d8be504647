import {
  downloadPackageJson,
  FALLBACK_SLUG,
  phaseDependencies,
  projectSlug,
  SLUG_MAX_LENGTH,
} from './app-package-json';

describe(projectSlug.name, () => {
  it.each([
    ['My Counter App!', 'my-counter-app'],
    ['Café Menü', 'cafe-menu'],
    ['  --Todo__List 2.0--  ', 'todo-list-2-0'],
    ['!!!', FALLBACK_SLUG],
    ['プロジェクト', FALLBACK_SLUG],
  ])('%j → %j', (name, slug) => {
    expect(projectSlug(name)).toBe(slug);
  });

  it(`keeps at most ${SLUG_MAX_LENGTH} characters and no trailing dash`, () => {
    const slug = projectSlug(`${'a'.repeat(SLUG_MAX_LENGTH - 1)} b c`);
    expect(slug).toBe('a'.repeat(SLUG_MAX_LENGTH - 1));
  });
});

describe(phaseDependencies.name, () => {
  it('collects the specs of every phase in order, ignoring anything malformed', () => {
    expect(
      phaseDependencies([
        { dependencies: ['zustand@5'] },
        null,
        { dependencies: 'date-fns' },
        { name: 'no dependencies' },
        { dependencies: ['date-fns', 42] },
      ]),
    ).toEqual(['zustand@5', 'date-fns']);
  });
});

describe(downloadPackageJson.name, () => {
  const template = JSON.stringify({
    name: 'forge-app',
    scripts: { dev: 'vite' },
    dependencies: { react: '19.3.1' },
    devDependencies: { vite: '8.3.8' },
  });

  it('names the app, adds the packages sorted by name and skips invalid specs', () => {
    const specs = ['zustand@5', 'constructor', 'react', 'vite@^8', 'https://x.test/a.tgz', '--g'];
    expect(JSON.parse(downloadPackageJson(template, 'my-app', specs))).toEqual({
      name: 'my-app',
      scripts: { dev: 'vite' },
      dependencies: { constructor: 'latest', react: '19.3.1', zustand: '5' },
      devDependencies: { vite: '^8' },
    });
  });
});
