import { ProjectResponseError, parseProject, parseProjectPage } from './project.model';

const PROJECT = {
  id: 'p1',
  name: 'Todo app',
  description: 'A todo app with due dates',
  createdAt: '2026-03-10T10:00:00.000Z',
  updatedAt: '2026-03-10T11:00:00.000Z',
  state: 'IDLE',
  usage: { promptTokens: 120, completionTokens: 30, costUsd: null, calls: 2 },
};

describe(parseProjectPage.name, () => {
  it('reads a page of projects and its cursor', () => {
    expect(parseProjectPage({ items: [PROJECT], nextCursor: 'c2' })).toEqual({
      items: [PROJECT],
      nextCursor: 'c2',
    });
    expect(parseProjectPage({ items: [], nextCursor: null })).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses a page whose items are not projects', () => {
    expect(() => parseProjectPage({ items: [{ ...PROJECT, id: 7 }], nextCursor: null })).toThrow(
      ProjectResponseError,
    );
    expect(() => parseProjectPage([PROJECT])).toThrow(
      "the server's answer for the project list has an unexpected shape",
    );
  });
});

describe(parseProject.name, () => {
  it('reads a missing description as empty', () => {
    expect(parseProject({ ...PROJECT, description: null })).toEqual({
      ...PROJECT,
      description: '',
    });
  });

  it('reads usage it cannot make sense of as unknown, keeping the project', () => {
    const { usage: _usage, ...withoutUsage } = PROJECT;
    expect(parseProject(withoutUsage).usage).toBeNull();
    expect(parseProject({ ...PROJECT, usage: { promptTokens: -1 } }).usage).toBeNull();
    expect(
      parseProject({
        ...PROJECT,
        usage: { promptTokens: 1, completionTokens: 2, costUsd: 0.5, calls: 1 },
      }).usage,
    ).toEqual({ promptTokens: 1, completionTokens: 2, costUsd: 0.5, calls: 1 });
  });
});
