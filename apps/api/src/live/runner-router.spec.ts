import { homeRunner } from './runner-router';
import { type RunnerLink } from './runner-links';

const link = (runnerId: string) => ({ runnerId, url: runnerId }) as unknown as RunnerLink;

describe(homeRunner.name, () => {
  const runners = ['runner-a', 'runner-b', 'runner-c'].map(link);
  const projects = Array.from(
    { length: 300 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );

  it('picks the same runner for a project whatever the order of the list', () => {
    for (const projectId of projects) {
      expect(homeRunner(projectId, [...runners].reverse())).toBe(homeRunner(projectId, runners));
    }
  });

  it('spreads projects over the runners', () => {
    const counts = new Map<string, number>();
    for (const projectId of projects) {
      const home = homeRunner(projectId, runners)!.runnerId!;
      counts.set(home, (counts.get(home) ?? 0) + 1);
    }
    expect(counts.size).toBe(3);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(50);
    }
  });

  it('moves only the projects of a runner that went away', () => {
    const remaining = runners.filter((runner) => runner.runnerId !== 'runner-b');
    for (const projectId of projects) {
      const before = homeRunner(projectId, runners)!;
      if (before.runnerId !== 'runner-b') {
        expect(homeRunner(projectId, remaining)).toBe(before);
      }
    }
  });

  it('has no home without runners', () => {
    expect(homeRunner(projects[0]!, [])).toBeUndefined();
  });
});
