import { ProjectResponseError } from '../../project/project.model';
import { parseVersionDiff, parseVersionList } from './versions-api.service';

describe(parseVersionList.name, () => {
  it('reads the versions, newest first as sent', () => {
    const version = {
      number: 2,
      reason: 'edit',
      label: 'Edited src/App.tsx',
      createdAt: '2026-01-01T00:00:00.000Z',
      fileCount: 9,
    };
    expect(parseVersionList({ versions: [version] })).toEqual([version]);
  });

  it('refuses an unknown reason or a missing field', () => {
    const bad = [{ number: 1, reason: 'magic', label: 'x', createdAt: 'x', fileCount: 1 }];
    expect(() => parseVersionList({ versions: bad })).toThrow(ProjectResponseError);
    expect(() => parseVersionList({ versions: [{ number: 1 }] })).toThrow(ProjectResponseError);
    expect(() => parseVersionList([])).toThrow(ProjectResponseError);
  });
});

describe(parseVersionDiff.name, () => {
  it('reads the files a version changed', () => {
    const diff = {
      number: 1,
      against: null,
      files: [{ path: 'a.ts', status: 'added', diff: '+x\n' }],
    };
    expect(parseVersionDiff(diff)).toEqual(diff);
    expect(() =>
      parseVersionDiff({ ...diff, files: [{ path: 'a.ts', status: 'moved', diff: '' }] }),
    ).toThrow(ProjectResponseError);
  });
});
