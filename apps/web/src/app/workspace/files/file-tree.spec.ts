import { buildFileTree, parentFolders, visibleRows } from './file-tree';

describe(buildFileTree.name, () => {
  it('puts folders first, then files, each level sorted by name', () => {
    const tree = buildFileTree([
      'src/main.tsx',
      'index.html',
      'src/components/List.tsx',
      'src/App.tsx',
      'README.md',
    ]);
    const rows = visibleRows(tree, new Set()).map((row) => `${row.level}:${row.node.path}`);
    expect(rows).toEqual([
      '1:src',
      '2:src/components',
      '3:src/components/List.tsx',
      '2:src/App.tsx',
      '2:src/main.tsx',
      '1:index.html',
      '1:README.md',
    ]);
  });

  it('lists a path given twice once', () => {
    expect(buildFileTree(['a.ts', 'a.ts'])).toHaveLength(1);
  });
});

describe(visibleRows.name, () => {
  it('hides the contents of collapsed folders', () => {
    const tree = buildFileTree(['src/a/b.ts', 'src/c.ts', 'd.ts']);
    const rows = visibleRows(tree, new Set(['src/a']));
    expect(rows.map((row) => [row.node.path, row.expanded])).toEqual([
      ['src', true],
      ['src/a', false],
      ['src/c.ts', false],
      ['d.ts', false],
    ]);
  });
});

describe(parentFolders.name, () => {
  it('names the folders around a path, outermost first', () => {
    expect(parentFolders('src/a/b.ts')).toEqual(['src', 'src/a']);
    expect(parentFolders('b.ts')).toEqual([]);
  });
});
