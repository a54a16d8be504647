import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  output,
  signal,
} from '@angular/core';
import { httpErrorMessage } from '../../core/http-error-message';
import { formatTimeAgo } from '../../core/relative-time';
import { type Load, loadPerVersion } from '../load-per-version';
import { SideSheetComponent } from '../side-sheet/side-sheet.component';
import { WorkspaceStore } from '../workspace-store';
import {
  type AppDatabase,
  type AppliedMigration,
  DATABASE_PAGE_SIZE,
  DatabaseApiService,
  type TableRows,
} from './database-api.service';

/**
 * The app's own PostgreSQL database in a side sheet (a modal <dialog>), read-only: its tables
 * with their columns, a chosen table's rows a page at a time, and the migrations applied. Kept
 * fresh by each new version (a phase applies migrations). Loaded on first open (@defer).
 */
@Component({
  selector: 'forge-database-panel',
  imports: [SideSheetComponent],
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
    // Again on each new version: a phase may have migrated.
    loadPerVersion(this.store, {
      into: this.database,
      fetch: (projectId) => this.api.describe(projectId),
      what: "load the app's database",
      loaded: (database) => this.chooseTable(database),
    });
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

  /** Chooses the table to show: the one shown before if it is still there. */
  private chooseTable(database: AppDatabase): void {
    const names = database.tables.map((table) => table.name);
    const current = this.selected();
    // The app's own tables first; forge_migrations is shown as the migration list.
    const first = names.find((name) => name !== 'forge_migrations') ?? names[0] ?? null;
    const keep = current !== null && names.includes(current) ? current : first;
    if (keep !== null) {
      this.selected.set(keep);
      void this.loadRows(keep, current === keep ? (this.rows()?.offset ?? 0) : 0);
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
