import { CORPUS, loadCorpusApp, replayApp, selectedCorpus } from './corpus';

describe(selectedCorpus.name, () => {
  it('runs every app unless REAL_APPS_ONLY names some', () => {
    expect(selectedCorpus(undefined)).toEqual(CORPUS);
    expect(selectedCorpus('')).toEqual(CORPUS);
    expect(selectedCorpus('tailwind4-scss-query, cra-ts').map((entry) => entry.id)).toEqual([
      'cra-ts',
      'tailwind4-scss-query',
    ]);
  });

  it('refuses an id the corpus does not have, naming it and the apps', () => {
    expect(() => selectedCorpus('cra-ts,tailwind5')).toThrow(
      /REAL_APPS_ONLY names no app of the corpus: tailwind5 \(apps: vite-react-ts, /,
    );
  });
});

describe('own apps', () => {
  // The apps written here load without the registry, and their follow-up edits their own text.
  it.each(CORPUS.filter((entry) => 'own' in entry.source).map((entry) => [entry.id, entry]))(
    '%s is replayable',
    (_id, entry) => {
      const app = loadCorpusApp(entry);
      const replay = replayApp(app);
      expect(replay.followUp.file.content).toContain(entry.followUp.to);
      expect(app.packageJson).not.toBeNull();
    },
  );
});
