import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { httpErrorMessage } from '../../core/http-error-message';
import { FileTreeComponent } from '../files/file-tree.component';
import { WorkspaceApiService } from '../workspace-api.service';
import { WorkspaceStore } from '../workspace-store';
import { CodeViewComponent } from './code-view.component';

/** Opened first when nothing is being written and the reader has not picked a file. */
const FIRST_FILES = ['src/App.tsx', 'src/App.jsx', 'src/main.tsx', 'index.html'];

type RestContent =
  | { readonly path: string; readonly status: 'loading' }
  | { readonly path: string; readonly status: 'ready'; readonly content: string }
  | { readonly path: string; readonly status: 'failed'; readonly message: string };

/**
 * The Code tab: the live file tree and the file in CodeMirror. It shows the file being written
 * until the reader opens another one; the text comes from the live state, or over REST while
 * the live connection has not answered yet.
 */
@Component({
  selector: 'forge-code-panel',
  imports: [CodeViewComponent, FileTreeComponent],
  templateUrl: './code-panel.component.html',
  styleUrl: './code-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CodePanelComponent {
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(WorkspaceApiService);

  /** The file the reader opened; null follows the agent. */
  private readonly picked = signal<string | null>(null);
  private readonly restContent = signal<RestContent | null>(null);

  protected readonly writing = computed(() => this.store.view()?.streaming?.path ?? null);
  /** The file written last stays open after it closes, rather than jumping elsewhere. */
  private readonly lastWritten = linkedSignal<string | null, string | null>({
    source: this.writing,
    computation: (writing, previous) => writing ?? previous?.value ?? null,
  });
  protected readonly changed = computed(() => this.store.state().changed.paths);
  protected readonly path = computed(() => {
    const paths = this.store.paths();
    const candidates = [this.picked(), this.writing(), this.lastWritten(), ...FIRST_FILES];
    return candidates.find((path) => path !== null && paths.includes(path)) ?? paths.at(0) ?? null;
  });
  protected readonly followsAgent = computed(
    () => this.writing() !== null && this.path() === this.writing(),
  );
  protected readonly content = computed(() => {
    const path = this.path();
    const view = this.store.view();
    if (!path) {
      return '';
    }
    if (view) {
      return view.streaming?.path === path ? view.streaming.content : (view.files[path] ?? '');
    }
    const rest = this.restContent();
    return rest?.path === path && rest.status === 'ready' ? rest.content : '';
  });
  protected readonly restProblem = computed(() => {
    const rest = this.restContent();
    if (this.store.view() || !rest || rest.path !== this.path()) {
      return null;
    }
    return rest.status === 'failed' ? rest.message : rest.status === 'loading' ? 'Loading…' : null;
  });

  constructor() {
    effect(() => {
      const path = this.path();
      if (path && !this.store.view()) {
        untracked(() => void this.loadOverRest(path));
      }
    });
  }

  protected open(path: string): void {
    // Opening the file being written follows the agent again.
    this.picked.set(path === this.writing() ? null : path);
  }

  protected followAgent(): void {
    this.picked.set(null);
  }

  private async loadOverRest(path: string): Promise<void> {
    const current = this.restContent();
    if (current?.path === path && current.status !== 'failed') {
      return;
    }
    this.restContent.set({ path, status: 'loading' });
    try {
      const content = await this.api.fileContent(this.store.projectId(), path);
      this.restContent.set({ path, status: 'ready', content });
    } catch (error: unknown) {
      this.restContent.set({
        path,
        status: 'failed',
        message: httpErrorMessage(error, 'open the file'),
      });
    }
  }
}
