import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  computed,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { httpErrorMessage } from '../../core/http-error-message';
import { formatTimeAgo } from '../../core/relative-time';
import { WorkspaceStore } from '../workspace-store';
import {
  type AppDatabase,
  type AppliedMigration,
  DATABASE_PAGE_SIZE,
  DatabaseApiService,
  type TableRows,
} from './database-api.service';

type Load<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'failed'; readonly message: string };

/**
 * The app's own PostgreSQL database in a side sheet (a modal <dialog>), read-only: its tables
 * with their columns, a chosen table's rows a page at a time, and the migrations applied. Kept
 * fresh by each new version (a phase applies migrations). Loaded on first open (@defer).
 */
@Component({
  selector: 'forge-database-panel',
  templateUrl: './database-panel.component.html',
  styleUrl: './database-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DatabasePanelComponent {
  private readonly store = inject(WorkspaceStore);
  private readonly api = inject(DatabaseApiService);
  readonly closed = output<void>();

  protected readonly database = signal<Load<AppDatabase>>({ status: 'loading' });
  protected readonly selected = signal<string | null>(null);
  protected readonly page = signal<Load<TableRows> | null>(null);
  private readonly sheet = viewChild.required<ElementRef<HTMLDialogElement>>('sheet');

  protected readonly ready = computed(() => {
    const database = this.database();
    return database.status === 'ready' ? database.value : null;
  });
  protected readonly loadError = computed(() => {
    const database = this.database();
    return database.status === 'failed' ? database.message : null;
  });
  protected readonly table = computed(
    () => this.ready()?.tables.find((table) => table.name === this.selected()) ?? null,
  );
  protected readonly rows = computed(() => {
    const page = this.page();
    return page?.status === 'ready' ? page.value : null;
  });
  protected readonly rowsError = computed(() => {
    const page = this.page();
    return page?.status === 'failed' ? page.message : null;
  });
  /** "Rows 26–50 of 120". */
  protected readonly range = computed(() => {
    const rows = this.rows();
    if (!rows || rows.total === 0) {
      return 'No rows';
    }
    const last = Math.min(rows.offset + rows.rows.length, rows.total);
    return `Rows ${rows.offset + 1}–${last} of ${rows.total}`;
  });
  protected readonly hasPrevious = computed(() => (this.rows()?.offset ?? 0) > 0);
  protected readonly hasNext = computed(() => {
    const rows = this.rows();
    return !!rows && rows.offset + rows.rows.length < rows.total;
  });

  constructor() {
    afterNextRender(() => {
      const sheet = this.sheet().nativeElement;
      if (typeof sheet.showModal === 'function') {
        sheet.showModal();
      } else {
        sheet.setAttribute('open', '');
      }
    });
    // Loaded on open and again whenever a version is made (a phase may have migrated).
    // Loaded on open and again whenever a version is made (a phase may have migrated), both
    // straight from here and the store's event: an effect's run was seen to wait, while the page
    // sat idle, for a change detection that did not come.
    void this.load(this.store.projectId());
    const stop = this.store.onNewVersion(() => void this.load(this.store.projectId()));
    inject(DestroyRef).onDestroy(stop);
  }

  protected timeAgo(migration: AppliedMigration): string {
    return formatTimeAgo(migration.appliedAt);
  }

  protected size(bytes: number | null): string {
    if (bytes === null) {
      return '';
    }
    return bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} kB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  protected select(name: string): void {
    this.selected.set(name);
    void this.loadRows(name, 0);
  }

  protected previous(): void {
    const rows = this.rows();
    const name = this.selected();
    if (rows && name) {
      void this.loadRows(name, Math.max(0, rows.offset - DATABASE_PAGE_SIZE));
    }
  }

  protected next(): void {
    const rows = this.rows();
    const name = this.selected();
    if (rows && name && this.hasNext()) {
      void this.loadRows(name, rows.offset + rows.rows.length);
    }
  }

  /** Esc closes the sheet here, so the page does not also read it as "stop the generation". */
  protected onEscape(event: Event): void {
    event.preventDefault();
    this.close();
  }

  protected close(): void {
    const sheet = this.sheet().nativeElement;
    if (sheet.open && typeof sheet.close === 'function') {
      sheet.close();
    } else {
      this.closed.emit();
    }
  }

  protected onClosed(): void {
    this.closed.emit();
  }

  private async load(projectId: string): Promise<void> {
    if (this.database().status !== 'ready') {
      this.database.set({ status: 'loading' });
    }
    try {
      const database = await this.api.describe(projectId);
      if (projectId !== this.store.projectId()) {
        return;
      }
      this.database.set({ status: 'ready', value: database });
      const names = database.tables.map((table) => table.name);
      const current = this.selected();
      // The app's own tables first; forge_migrations is shown as the migration list.
      const first = names.find((name) => name !== 'forge_migrations') ?? names[0] ?? null;
      const keep = current !== null && names.includes(current) ? current : first;
      if (keep !== null) {
        this.selected.set(keep);
        void this.loadRows(keep, current === keep ? (this.rows()?.offset ?? 0) : 0);
      }
    } catch (error: unknown) {
      this.database.set({
        status: 'failed',
        message: httpErrorMessage(error, "load the app's database"),
      });
    }
  }

  private async loadRows(name: string, offset: number): Promise<void> {
    this.page.set({ status: 'loading' });
    try {
      const rows = await this.api.rows(this.store.projectId(), name, offset);
      if (this.selected() === name) {
        this.page.set({ status: 'ready', value: rows });
      }
    } catch (error: unknown) {
      if (this.selected() === name) {
        this.page.set({
          status: 'failed',
          message: httpErrorMessage(error, `read the rows of ${name}`),
        });
      }
    }
  }
}
