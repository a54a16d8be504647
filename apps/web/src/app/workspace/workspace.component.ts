import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { PHONE_LAYOUT_QUERY, mediaQuerySignal } from '../core/media-query';
import { ConfirmDialogComponent } from '../core/confirm-dialog/confirm-dialog.component';
import { httpErrorMessage } from '../core/http-error-message';
import { TopBarComponent } from '../core/top-bar/top-bar.component';
import { ProjectTitleComponent } from '../project/project-title.component';
import { ProjectStateBadgeComponent } from '../project/project-state-badge.component';
import { PublishDialogComponent } from '../publish/publish-dialog.component';
import { ShareDialogComponent } from '../publish/share-dialog.component';
import { ChatPanelComponent } from './chat/chat-panel.component';
import { CodePanelComponent } from './code/code-panel.component';
import { DatabasePanelComponent } from './database/database-panel.component';
import { PreviewPanelComponent } from './preview/preview-panel.component';
import { PushDialogComponent } from '../git/push-dialog.component';
import { saveBlob, zipFileName } from './project-download';
import { progressOf } from './state/progress';
import { VersionsPanelComponent } from './versions/versions-panel.component';
import { WorkspaceApiService } from './workspace-api.service';
import { WorkspaceStore } from './workspace-store';

export type WorkspaceTab = 'chat' | 'preview' | 'code';

/**
 * /project/:id — the chat and plan on the left, the preview and the code on the right (tabs of
 * their own on a phone). The route's component: CodeMirror and socket.io-client load with it.
 */
@Component({
  selector: 'forge-workspace',
  imports: [
    ChatPanelComponent,
    CodePanelComponent,
    ConfirmDialogComponent,
    DatabasePanelComponent,
    PreviewPanelComponent,
    PushDialogComponent,
    ProjectStateBadgeComponent,
    PublishDialogComponent,
    ProjectTitleComponent,
    RouterLink,
    ShareDialogComponent,
    TopBarComponent,
    VersionsPanelComponent,
  ],
  providers: [WorkspaceStore],
  templateUrl: './workspace.component.html',
  styleUrl: './workspace.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'onEscape($event)' },
})
export class WorkspaceComponent {
  /** The route's :id (withComponentInputBinding). */
  readonly id = input.required<string>();

  protected readonly store = inject(WorkspaceStore);
  protected readonly paths = APP_PATHS;
  protected readonly phone = mediaQuerySignal(PHONE_LAYOUT_QUERY);
  private readonly chosenTab = signal<WorkspaceTab>('chat');
  /** On a wide screen the chat is always there, so its tab falls back to the preview. */
  protected readonly tab = computed<WorkspaceTab>(() =>
    !this.phone() && this.chosenTab() === 'chat' ? 'preview' : this.chosenTab(),
  );
  protected readonly tabs = computed<readonly { id: WorkspaceTab; label: string }[]>(() => [
    ...(this.phone() ? [{ id: 'chat' as const, label: 'Chat' }] : []),
    { id: 'preview', label: 'Preview' },
    { id: 'code', label: 'Code' },
  ]);
  /** The Code tab's editor is loaded the first time the tab opens, and kept. */
  protected readonly codeOpened = computed(() => this.tab() === 'code' || this.codeWasOpened());
  private readonly codeWasOpened = signal(false);
  /** Dev-server starts seen while the Preview tab showed; a later one is news elsewhere. */
  private readonly previewSeen = signal(0);
  /** A new preview is ready while another tab shows: the Preview tab gets a dot. */
  protected readonly previewNews = computed(
    () => this.tab() !== 'preview' && this.store.state().serverStarts > this.previewSeen(),
  );
  protected readonly confirmingStop = signal(false);
  /** The versions side sheet; its code loads the first time it opens. */
  protected readonly versionsOpen = signal(false);
  /** The database side sheet (the app's own tables, read-only); loaded the first time it opens. */
  protected readonly databaseOpen = signal(false);
  protected readonly publishOpen = signal(false);
  protected readonly shareOpen = signal(false);
  protected readonly downloading = signal(false);
  protected readonly pushOpen = signal(false);
  protected readonly downloadError = signal<string | null>(null);
  private readonly api = inject(WorkspaceApiService);
  private readonly document = inject(DOCUMENT);

  protected readonly projectName = computed(() => {
    const load = this.store.project();
    return load.status === 'ready' ? load.project.name : '';
  });
  protected readonly loadError = computed(() => {
    const load = this.store.project();
    return load.status === 'failed' ? load.message : null;
  });
  /** The one reading of the project's progress the header, the plan and the preview share. */
  protected readonly progress = computed(() => {
    const view = this.store.view();
    return view ? progressOf(view) : null;
  });
  protected readonly stateKey = computed(() => {
    const progress = this.progress();
    if (progress) {
      return progress.step;
    }
    const load = this.store.project();
    return load.status === 'ready' ? load.project.state : null;
  });
  protected readonly banner = computed(() => {
    switch (this.store.connection()) {
      case 'reconnecting':
        return 'Connection lost. Reconnecting…';
      case 'refused':
        return this.store.refusal()?.message ?? 'The live connection was refused.';
      default:
        return null;
    }
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => this.store.open(id));
    });
    effect(() => {
      const starts = this.store.state().serverStarts;
      if (this.tab() === 'preview') {
        untracked(() => this.previewSeen.set(starts));
      }
    });
    const title = inject(Title);
    effect(() => {
      const name = this.projectName();
      if (name) {
        title.setTitle(`${name} · Forge`);
      }
    });
  }

  protected show(tab: WorkspaceTab): void {
    this.chosenTab.set(tab);
    if (tab === 'code') {
      this.codeWasOpened.set(true);
    }
  }

  /** Left/Right move between tabs, as the ARIA tabs pattern has it. */
  protected onTabKey(event: KeyboardEvent): void {
    const tabs = this.tabs().map((tab) => tab.id);
    const index = tabs.indexOf(this.tab());
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) {
      return;
    }
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length];
    this.show(next);
    (event.currentTarget as HTMLElement).parentElement
      ?.querySelector<HTMLElement>(`[data-tab="${next}"]`)
      ?.focus();
  }

  /** Esc asks before it stops a generation (UI.md). */
  protected onEscape(event: Event): void {
    if (this.store.busy() && !this.confirmingStop() && !event.defaultPrevented) {
      this.confirmingStop.set(true);
    }
  }

  protected async onStopAnswer(stop: boolean): Promise<void> {
    this.confirmingStop.set(false);
    if (stop) {
      await this.store.cancel();
    }
  }

  protected async stopNow(): Promise<void> {
    await this.store.cancel();
  }

  /** "⤓ Zip": the project's files as the API zips them, saved under the project's name. */
  protected async download(): Promise<void> {
    if (this.downloading()) {
      return;
    }
    this.downloading.set(true);
    this.downloadError.set(null);
    try {
      const zip = await this.api.download(this.store.projectId());
      saveBlob(this.document, zip.blob, zip.fileName ?? zipFileName(this.projectName()));
    } catch (error: unknown) {
      this.downloadError.set(httpErrorMessage(error, 'download the project'));
    } finally {
      this.downloading.set(false);
    }
  }
}
