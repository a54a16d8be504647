import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  output,
  signal,
} from '@angular/core';
import {
  type VersionDiff,
  type VersionReason,
  type VersionSummary,
} from '@forge/protocol/agent/versions';
import { ConfirmDialogComponent } from '../../core/confirm-dialog/confirm-dialog.component';
import { httpErrorMessage } from '../../core/http-error-message';
import { formatTimeAgo } from '../../core/relative-time';
import { describeProjectState } from '../../project/project-state';
import { type Load, loadPerVersion } from '../load-per-version';
import { SideSheetComponent } from '../side-sheet/side-sheet.component';
import { progressOf } from '../state/progress';
import { WorkspaceStore, commandMessage } from '../workspace-store';
import { readUnifiedDiff } from './diff-lines';
import { VersionsApiService } from './versions-api.service';

const REASON_WORDS: Record<VersionReason, string> = {
  phase: 'Phase',
  fix: 'Fix',
  edit: 'Your edit',
  rollback: 'Restore',
};

/** The result of the last "Restore this version". */
type RestoreState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'restoring'; readonly version: number }
  | { readonly kind: 'done'; readonly version: number; readonly after: number }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * The project's versions in a side sheet (a modal <dialog>): the list, newest first and kept
 * fresh by `version_created`; a version's changes as unified diffs; and "Restore this version",
 * confirmed first and refused while the agent works. Loaded on first open (@defer).
 */
@Component({
  selector: 'forge-versions-panel',
  imports: [ConfirmDialogComponent, SideSheetComponent],
  templateUrl: './versions-panel.component.html',
  styleUrl: './versions-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VersionsPanelComponent {
  private readonly store = inject(WorkspaceStore);
  private readonly api = inject(VersionsApiService);
  readonly closed = output<void>();

  protected readonly reasons = REASON_WORDS;
  protected readonly list = signal<Load<VersionSummary[]>>({ status: 'loading' });
  protected readonly selected = signal<number | null>(null);
  protected readonly diff = signal<Load<VersionDiff> | null>(null);
  protected readonly confirming = signal<VersionSummary | null>(null);
  protected readonly restore = signal<RestoreState>({ kind: 'idle' });

  protected readonly versions = computed(() => {
    const list = this.list();
    return list.status === 'ready' ? list.value : [];
  });
  protected readonly chosen = computed(
    () => this.versions().find((version) => version.number === this.selected()) ?? null,
  );
  protected readonly listError = computed(() => {
    const list = this.list();
    return list.status === 'failed' ? list.message : null;
  });
  protected readonly diffError = computed(() => {
    const diff = this.diff();
    return diff?.status === 'failed' ? diff.message : null;
  });
  protected readonly diffSummary = computed(() => {
    const diff = this.diff();
    if (diff?.status !== 'ready') {
      return '';
    }
    const against = diff.value.against;
    return against === null
      ? 'The first version: every file is new.'
      : `Changes since version ${against}.`;
  });
  protected readonly files = computed(() => {
    const diff = this.diff();
    if (diff?.status !== 'ready') {
      return [];
    }
    return diff.value.files.map((file) => ({ ...file, view: readUnifiedDiff(file.diff) }));
  });
  /** Why a rollback cannot be sent now; null when it can. */
  protected readonly blocked = computed(() => {
    const view = this.store.view();
    if (!view) {
      return 'Connecting to the project…';
    }
    if (this.store.busy()) {
      const state = describeProjectState(progressOf(view).step).label;
      return `The agent is working (${state}): restore a version once it is done.`;
    }
    return null;
  });
  protected readonly canRestore = computed(
    () => this.blocked() === null && this.restore().kind !== 'restoring',
  );
  protected readonly restoreMessage = computed(() => {
    const state = this.restore();
    switch (state.kind) {
      case 'idle':
        return null;
      case 'restoring':
        return `Restoring version ${state.version}…`;
      case 'refused':
        return state.message;
      case 'done': {
        const version = this.store.latestVersion();
        const made =
          version?.reason === 'rollback' && version.seq > state.after
            ? ` as version ${version.number}`
            : '';
        return `Restored version ${state.version}${made}.`;
      }
    }
  });

  /**
   * What a restore does, said before it is done: files only. An app with a database keeps its
   * tables, rows and applied migrations; the user is told so rather than finding out.
   */
  protected readonly restoreQuestion = computed(() => {
    const version = this.confirming();
    if (!version) {
      return '';
    }
    const files = `The files become those of version ${version.number} (${version.label}). This makes a new version, so you can come back to the current one.`;
    const hasDatabase = this.store.paths().some((path) => path.startsWith('db/migrations/'));
    return hasDatabase
      ? `${files} The app's database is not restored: its tables and rows stay as they are, and migrations applied since version ${version.number} stay applied.`
      : files;
  });

  constructor() {
    loadPerVersion(this.store, {
      into: this.list,
      fetch: (projectId) => this.api.list(projectId),
      what: 'load the versions',
      loaded: (versions) => {
        if (this.selected() === null && versions.length > 0) {
          this.select(versions[0]);
        }
      },
    });
  }

  protected timeAgo(version: VersionSummary): string {
    return formatTimeAgo(version.createdAt);
  }

  protected select(version: VersionSummary): void {
    if (this.selected() === version.number && this.diff()?.status !== 'failed') {
      return;
    }
    this.selected.set(version.number);
    void this.loadDiff(version.number);
  }

  protected askRestore(): void {
    const version = this.chosen();
    if (version && this.canRestore()) {
      this.confirming.set(version);
    }
  }

  protected async onRestoreAnswer(yes: boolean): Promise<void> {
    const version = this.confirming();
    this.confirming.set(null);
    if (!yes || !version || !this.canRestore()) {
      return;
    }
    const after = this.store.view()?.seq ?? 0;
    this.restore.set({ kind: 'restoring', version: version.number });
    const ack = await this.store.rollback(version.number);
    this.restore.set(
      ack.ok
        ? { kind: 'done', version: version.number, after }
        : { kind: 'refused', message: `Not restored: ${commandMessage(ack.error)}` },
    );
  }

  private async loadDiff(version: number): Promise<void> {
    this.diff.set({ status: 'loading' });
    try {
      const diff = await this.api.diff(this.store.projectId(), version);
      if (this.selected() === version) {
        this.diff.set({ status: 'ready', value: diff });
      }
    } catch (error: unknown) {
      if (this.selected() === version) {
        this.diff.set({
          status: 'failed',
          message: httpErrorMessage(error, `load the changes of version ${version}`),
        });
      }
    }
  }
}
