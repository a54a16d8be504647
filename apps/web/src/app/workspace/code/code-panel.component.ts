import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { ErrorCode } from '@forge/protocol/errors';
import { type CommandError } from '@forge/protocol/socket/live-events';
import { ConfirmDialogComponent } from '../../core/confirm-dialog/confirm-dialog.component';
import { httpErrorMessage } from '../../core/http-error-message';
import { FileTreeComponent } from '../files/file-tree.component';
import { QuickOpenComponent } from '../files/quick-open.component';
import { type StarterFile, StarterFilesService } from '../files/starter-files.service';
import { WorkspaceApiService } from '../workspace-api.service';
import { WorkspaceStore, commandMessage } from '../workspace-store';
import { BinaryFileViewComponent } from './binary-file-view.component';
import { CodeViewComponent } from './code-view.component';
import {
  type EditDraft,
  draftStatus,
  editDraft,
  isDirty,
  keepMine,
  reconcileDraft,
  savedDraft,
} from './edit-draft';

/** Opened first when nothing is being written and the reader has not picked a file. */
const FIRST_FILES = ['src/App.tsx', 'src/App.jsx', 'src/main.tsx', 'index.html'];

type RestContent =
  | { readonly path: string; readonly status: 'loading' }
  | {
      readonly path: string;
      readonly status: 'ready';
      readonly content: string;
      readonly binary: boolean;
    }
  | { readonly path: string; readonly status: 'failed'; readonly message: string };

/** The last save of the file open; `after` is the view's seq when it was sent. */
type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving'; readonly path: string }
  | { readonly kind: 'saved'; readonly path: string; readonly after: number }
  | { readonly kind: 'refused'; readonly path: string; readonly message: string };

/** The file to open once the user agreed to drop their changes; null follows the agent. */
interface PendingSwitch {
  readonly path: string | null;
}

/**
 * The Code tab: the live file tree and the file in CodeMirror. It shows the file being written
 * until the reader opens another one; the text comes from the live state, or over REST while
 * the live connection has not answered yet. While the agent is idle the file can be edited and
 * saved (Ctrl/Cmd+S or Save); the edit is kept as a draft until the file has the saved text.
 */
@Component({
  selector: 'forge-code-panel',
  imports: [
    BinaryFileViewComponent,
    CodeViewComponent,
    ConfirmDialogComponent,
    FileTreeComponent,
    QuickOpenComponent,
  ],
  templateUrl: './code-panel.component.html',
  styleUrl: './code-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(document:keydown)': 'onKeydown($event)',
    '(window:beforeunload)': 'onBeforeUnload($event)',
  },
})
export class CodePanelComponent {
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(WorkspaceApiService);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);
  private readonly starterFiles = inject(StarterFilesService);

  /** The file the reader opened; null follows the agent. */
  private readonly picked = signal<string | null>(null);
  private readonly restContent = signal<RestContent | null>(null);
  private readonly draft = signal<EditDraft | null>(null);
  private readonly saveState = signal<SaveState>({ kind: 'idle' });
  protected readonly pendingSwitch = signal<PendingSwitch | null>(null);
  protected readonly quickOpen = signal(false);
  /** The starter template's files the project had not rewritten when they were last asked for. */
  private readonly starter = signal<ReadonlyMap<string, StarterFile>>(new Map());

  protected readonly writing = computed(() => this.store.view()?.streaming?.path ?? null);
  /** The file written last stays open after it closes, rather than jumping elsewhere. */
  private readonly lastWritten = linkedSignal<string | null, string | null>({
    source: this.writing,
    computation: (writing, previous) => writing ?? previous?.value ?? null,
  });
  protected readonly changed = computed(() => this.store.state().changed.paths);
  /** Starter files the project still has as they came: those it has not written itself. */
  protected readonly starterPaths = computed<ReadonlySet<string>>(() => {
    const written = new Set(this.store.paths());
    return new Set([...this.starter().keys()].filter((path) => !written.has(path)));
  });
  /** Every file a reader can open: the app's and the starter's. */
  private readonly allPaths = computed(() => [...this.store.paths(), ...this.starterPaths()]);
  /** The live paths, the starter's, and the file being edited even if it was deleted under the edit. */
  protected readonly treePaths = computed(() => {
    const paths = this.allPaths();
    const editing = this.draft()?.path;
    return editing && !paths.includes(editing) ? [...paths, editing] : paths;
  });
  /** The open file when it is a starter file, unchanged. */
  protected readonly starterFile = computed(() => {
    const path = this.path();
    return path && this.starterPaths().has(path) ? (this.starter().get(path) ?? null) : null;
  });
  protected readonly path = computed(() => {
    const editing = this.draft()?.path;
    if (editing) {
      return editing;
    }
    const paths = this.allPaths();
    const candidates = [this.picked(), this.writing(), this.lastWritten(), ...FIRST_FILES];
    return candidates.find((path) => path !== null && paths.includes(path)) ?? paths.at(0) ?? null;
  });
  protected readonly followsAgent = computed(
    () => this.writing() !== null && this.path() === this.writing() && this.draft() === null,
  );
  /** The open file's text as the agent has it; null when it does not exist (any more). */
  protected readonly current = computed(() => {
    const path = this.path();
    const view = this.store.view();
    return path && view ? (view.files[path] ?? null) : null;
  });
  protected readonly content = computed(() => {
    const path = this.path();
    const view = this.store.view();
    const draft = this.draft();
    if (!path) {
      return '';
    }
    if (draft?.path === path) {
      return draft.text;
    }
    const starter = this.starterFile();
    if (starter) {
      return starter.content ?? '(This file is not text; it is in the zip as it is.)';
    }
    if (view) {
      return view.streaming?.path === path ? view.streaming.content : (view.files[path] ?? '');
    }
    const rest = this.restContent();
    return rest?.path === path && rest.status === 'ready' ? rest.content : '';
  });
  /** The open file is binary (its content is base64): shown by BinaryFileViewComponent. */
  protected readonly binary = computed(() => {
    const path = this.path();
    const view = this.store.view();
    if (!path || this.draft()?.path === path) {
      return false;
    }
    if (view) {
      const streaming = view.streaming?.path === path ? view.streaming : null;
      return streaming ? streaming.encoding !== undefined : path in view.encodings;
    }
    const rest = this.restContent();
    return rest?.path === path && rest.status === 'ready' && rest.binary;
  });
  protected readonly restProblem = computed(() => {
    const rest = this.restContent();
    if (this.store.view() || !rest || rest.path !== this.path() || this.starterFile()) {
      return null;
    }
    return rest.status === 'failed' ? rest.message : rest.status === 'loading' ? 'Loading…' : null;
  });

  /** Editable: the agent is idle and the file is one it has (or the one being edited). */
  protected readonly editable = computed(
    () =>
      this.store.editable() && !this.binary() && (this.current() !== null || this.draft() !== null),
  );
  protected readonly status = computed(() => {
    const draft = this.draft();
    if (!draft) {
      return 'clean';
    }
    const busy = this.writing() === draft.path || this.saveState().kind === 'saving';
    return draftStatus(draft, this.current(), busy);
  });
  protected readonly unsaved = computed(() => this.status() !== 'clean');
  protected readonly canSave = computed(
    () => this.unsaved() && this.store.editable() && this.saveState().kind !== 'saving',
  );
  /** The version the last save made, once its `version_created` arrived. */
  private readonly savedVersion = computed(() => {
    const state = this.saveState();
    const version = this.store.latestVersion();
    return state.kind === 'saved' && version?.reason === 'edit' && version.seq > state.after
      ? version.number
      : null;
  });
  protected readonly saveMessage = computed(() => {
    const state = this.saveState();
    if (state.kind === 'idle' || state.path !== this.path()) {
      return null;
    }
    switch (state.kind) {
      case 'saving':
        return { alert: false, text: 'Saving…' };
      case 'saved': {
        const version = this.savedVersion();
        return { alert: false, text: version === null ? 'Saved' : `Saved — version ${version}` };
      }
      case 'refused':
        return { alert: true, text: state.message };
    }
  });

  constructor() {
    effect(() => {
      const path = this.path();
      if (path && !this.store.view() && !this.starterFile()) {
        untracked(() => void this.loadOverRest(path));
      }
    });
    // Asked again after each version: the packages installed change package.json.
    effect(() => {
      const projectId = this.store.projectId();
      this.store.latestVersion();
      if (projectId) {
        untracked(() => void this.loadStarterFiles(projectId));
      }
    });
    // The draft follows the file: dropped once the file has its text, kept while it differs.
    effect(() => {
      const draft = this.draft();
      const view = this.store.view();
      if (!draft || !view) {
        return;
      }
      let next = reconcileDraft(
        draft,
        view.files[draft.path] ?? null,
        this.writing() === draft.path,
      );
      if (next?.confirming && this.savedVersion() !== null) {
        // The save's version arrived: the file holds what the server saved, whatever it is.
        next = reconcileDraft(
          { ...next, confirming: false },
          view.files[draft.path] ?? null,
          false,
        );
      }
      if (next !== draft) {
        untracked(() => this.draft.set(next));
      }
    });
    effect(() => {
      const path = this.unsaved() ? this.path() : null;
      untracked(() => this.store.setUnsavedPath(path));
    });
  }

  protected open(path: string): void {
    if (this.draft()?.path === path) {
      // Open already, with the user's changes.
      return;
    }
    // Opening the file being written follows the agent again.
    this.switchTo(path === this.writing() ? null : path);
  }

  protected followAgent(): void {
    this.switchTo(null);
  }

  protected onEdited(text: string): void {
    const path = this.path();
    if (!path) {
      return;
    }
    // The file stays open when the agent starts writing another one.
    this.picked.set(path);
    this.draft.update((draft) => editDraft(draft, path, this.current(), text));
    if (this.saveState().kind !== 'saving') {
      this.saveState.set({ kind: 'idle' });
    }
  }

  /** Sends the edit; a refusal is shown in place and the text stays in the editor. */
  protected async save(): Promise<void> {
    const draft = this.draft();
    if (!draft || !isDirty(draft) || this.saveState().kind === 'saving') {
      return;
    }
    if (!this.store.editable()) {
      this.saveState.set({
        kind: 'refused',
        path: draft.path,
        message: 'The agent is working: save once it is done. Your changes are kept.',
      });
      return;
    }
    const text = draft.text;
    const after = this.store.view()?.seq ?? 0;
    this.saveState.set({ kind: 'saving', path: draft.path });
    const ack = await this.store.saveFile(draft.path, text);
    if (ack.ok) {
      this.draft.update((now) => (now?.path === draft.path ? savedDraft(now, text) : now));
      this.saveState.set({ kind: 'saved', path: draft.path, after });
    } else {
      this.saveState.set({ kind: 'refused', path: draft.path, message: refusal(ack.error) });
    }
  }

  protected keepMine(): void {
    this.draft.update((draft) => draft && keepMine(draft, this.current()));
  }

  protected takeTheirs(): void {
    this.draft.set(null);
    this.saveState.set({ kind: 'idle' });
  }

  protected onSwitchAnswer(discard: boolean): void {
    const pending = this.pendingSwitch();
    this.pendingSwitch.set(null);
    if (discard && pending) {
      this.draft.set(null);
      this.show(pending.path);
    }
  }

  /**
   * While the Code tab shows: Ctrl/Cmd+S saves (never the browser's "Save page"), Ctrl/Cmd+P
   * opens a file by its path (never the browser's "Print").
   */
  protected onKeydown(event: KeyboardEvent): void {
    const command = (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
    const key = event.key.toLowerCase();
    if (!command || (key !== 's' && key !== 'p')) {
      return;
    }
    if (this.host.nativeElement.closest('[hidden]') !== null) {
      return;
    }
    event.preventDefault();
    if (key === 's') {
      void this.save();
    } else {
      this.quickOpen.set(true);
    }
  }

  protected onQuickOpenClosed(path: string | null): void {
    this.quickOpen.set(false);
    if (path) {
      this.open(path);
    }
  }

  protected onBeforeUnload(event: BeforeUnloadEvent): void {
    if (this.unsaved()) {
      event.preventDefault();
    }
  }

  private switchTo(path: string | null): void {
    if (isDirty(this.draft())) {
      this.pendingSwitch.set({ path });
      return;
    }
    this.draft.set(null);
    this.show(path);
  }

  private show(path: string | null): void {
    this.picked.set(path);
    if (this.saveState().kind !== 'saving') {
      this.saveState.set({ kind: 'idle' });
    }
  }

  private async loadStarterFiles(projectId: string): Promise<void> {
    try {
      const files = await this.starterFiles.list(projectId);
      if (this.store.projectId() === projectId) {
        this.starter.set(new Map(files.map((file) => [file.path, file])));
      }
    } catch {
      // The app's own files are what matters: the tree shows those without the starter's.
    }
  }

  private async loadOverRest(path: string): Promise<void> {
    const current = this.restContent();
    if (current?.path === path && current.status !== 'failed') {
      return;
    }
    this.restContent.set({ path, status: 'loading' });
    try {
      const { content, binary } = await this.api.fileContent(this.store.projectId(), path);
      this.restContent.set({ path, status: 'ready', content, binary });
    } catch (error: unknown) {
      this.restContent.set({
        path,
        status: 'failed',
        message: httpErrorMessage(error, 'open the file'),
      });
    }
  }
}

/** A refused save in words; the edit itself is never lost, and the message says so. */
function refusal(error: CommandError): string {
  const kept = 'Your changes are still in the editor.';
  if (error.code === ErrorCode.GenerationRunning) {
    return `Not saved: the agent is writing the app. ${kept} Save again once it is done.`;
  }
  return `Not saved: ${commandMessage(error)} ${kept}`;
}
