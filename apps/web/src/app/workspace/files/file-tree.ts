/** A folder or a file of the project, as the tree shows it. */
export interface TreeNode {
  readonly name: string;
  /** The full path; a folder's has no trailing slash. */
  readonly path: string;
  readonly kind: 'folder' | 'file';
  readonly children: readonly TreeNode[];
}

/** One visible line of the tree: a node at its depth. */
export interface TreeRow {
  readonly node: TreeNode;
  /** 1 for top-level entries (aria-level). */
  readonly level: number;
  readonly expanded: boolean;
}

interface MutableFolder {
  folders: Map<string, MutableFolder>;
  files: string[];
}

/** Folds flat paths into folders, folders first, each level sorted by name. */
export function buildFileTree(paths: Iterable<string>): TreeNode[] {
  const root: MutableFolder = { folders: new Map(), files: [] };
  for (const path of paths) {
    const segments = path.split('/').filter(Boolean);
    const fileName = segments.pop();
    if (!fileName) {
      continue;
    }
    let folder = root;
    for (const segment of segments) {
      let child = folder.folders.get(segment);
      if (!child) {
        child = { folders: new Map(), files: [] };
        folder.folders.set(segment, child);
      }
      folder = child;
    }
    if (!folder.files.includes(fileName)) {
      folder.files.push(fileName);
    }
  }
  return toNodes(root, '');
}

function toNodes(folder: MutableFolder, prefix: string): TreeNode[] {
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' });
  const folders = [...folder.folders.keys()].sort(byName).map((name): TreeNode => {
    const path = prefix + name;
    return {
      name,
      path,
      kind: 'folder',
      children: toNodes(folder.folders.get(name)!, `${path}/`),
    };
  });
  const files = [...folder.files]
    .sort(byName)
    .map((name): TreeNode => ({ name, path: prefix + name, kind: 'file', children: [] }));
  return [...folders, ...files];
}

/** The rows to draw: every top-level node, and the children of folders not collapsed. */
export function visibleRows(nodes: readonly TreeNode[], collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (level: readonly TreeNode[], depth: number) => {
    for (const node of level) {
      const expanded = node.kind === 'folder' && !collapsed.has(node.path);
      rows.push({ node, level: depth, expanded });
      if (expanded) {
        walk(node.children, depth + 1);
      }
    }
  };
  walk(nodes, 1);
  return rows;
}

/** The folders that hold `path`, outermost first ("src/a/b.ts" → ["src", "src/a"]). */
export function parentFolders(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(0, -1).map((_, index) => segments.slice(0, index + 1).join('/'));
}
