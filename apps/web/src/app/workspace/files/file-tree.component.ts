import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { type TreeRow, buildFileTree, parentFolders, visibleRows } from './file-tree';

/**
 * The project's files as a keyboard-navigable tree (the ARIA tree pattern: one tab stop, arrows
 * move, Right/Left open and close folders, Enter opens a file). A dot marks the file being
 * written, a bullet the files changed in the latest phase, an accent dot the file with unsaved
 * edits; the starter template's files, unchanged, are dimmed and say so.
 */
@Component({
  selector: 'forge-file-tree',
  templateUrl: './file-tree.component.html',
  styleUrl: './file-tree.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FileTreeComponent {
  readonly paths = input.required<readonly string[]>();
  readonly selected = input<string | null>(null);
  readonly writing = input<string | null>(null);
  readonly changed = input<readonly string[]>([]);
  /** The file with unsaved changes in the editor. */
  readonly unsaved = input<string | null>(null);
  /** Files of the starter template the project has not changed. */
  readonly starter = input<ReadonlySet<string>>(new Set());
  readonly selectFile = output<string>();

  private readonly collapsed = signal<ReadonlySet<string>>(new Set());
  private readonly focused = signal<string | null>(null);
  private readonly list = viewChild.required<ElementRef<HTMLElement>>('list');

  private readonly tree = computed(() => buildFileTree(this.paths()));
  protected readonly rows = computed(() => visibleRows(this.tree(), this.collapsed()));
  protected readonly changedSet = computed(() => new Set(this.changed()));
  /** The one row in the tab order: the focused one, else the selected file, else the first. */
  protected readonly tabStop = computed(() => {
    const rows = this.rows();
    const wanted = [this.focused(), this.selected()];
    for (const path of wanted) {
      if (path && rows.some((row) => row.node.path === path)) {
        return path;
      }
    }
    return rows[0]?.node.path ?? null;
  });

  protected activate(row: TreeRow): void {
    this.focused.set(row.node.path);
    if (row.node.kind === 'folder') {
      this.toggle(row.node.path, !row.expanded);
    } else {
      this.selectFile.emit(row.node.path);
    }
  }

  protected onKeydown(event: KeyboardEvent, index: number): void {
    const rows = this.rows();
    const row = rows[index];
    let target: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        target = Math.min(index + 1, rows.length - 1);
        break;
      case 'ArrowUp':
        target = Math.max(index - 1, 0);
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = rows.length - 1;
        break;
      case 'ArrowRight':
        if (row.node.kind === 'folder' && !row.expanded) {
          this.toggle(row.node.path, true);
        } else if (row.expanded) {
          target = index + 1;
        }
        break;
      case 'ArrowLeft':
        if (row.expanded) {
          this.toggle(row.node.path, false);
        } else {
          const parent = parentFolders(row.node.path).at(-1);
          target = parent ? rows.findIndex((candidate) => candidate.node.path === parent) : null;
        }
        break;
      case 'Enter':
      case ' ':
        this.activate(row);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (target !== null && target >= 0) {
      this.focusRow(rows[target].node.path);
    }
  }

  private toggle(path: string, expand: boolean): void {
    this.collapsed.update((collapsed) => {
      const next = new Set(collapsed);
      if (expand) {
        next.delete(path);
      } else {
        next.add(path);
      }
      return next;
    });
  }

  private focusRow(path: string): void {
    this.focused.set(path);
    const item = [
      ...this.list().nativeElement.querySelectorAll<HTMLElement>('[role="treeitem"]'),
    ].find((element) => element.dataset['path'] === path);
    item?.focus();
  }
}
