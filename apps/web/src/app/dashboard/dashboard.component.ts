import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type OnInit,
  computed,
  inject,
  signal,
} from '@angular/core';
import { Router } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { ConfirmDialogComponent } from '../core/confirm-dialog/confirm-dialog.component';
import { httpErrorMessage } from '../core/http-error-message';
import { formatTimeAgo } from '../core/relative-time';
import { TopBarComponent } from '../core/top-bar/top-bar.component';
import { ImportDialogComponent } from '../git/import-dialog.component';
import { ModelPickerComponent } from '../models/model-picker.component';
import { projectNameFromPrompt } from '../project/project-name';
import { PendingPromptService } from '../project/pending-prompt.service';
import { type Project, type ProjectSort } from '../project/project.model';
import { ProjectsService } from '../project/projects.service';
import { StartPromptsService } from '../project/start-prompts.service';
import { ProjectCardComponent } from './project-card.component';
import { PromptBoxComponent } from './prompt-box.component';

/** How long the search waits for the typing to pause before it asks the server. */
export const SEARCH_DEBOUNCE_MS = 250;

export const SORT_OPTIONS: readonly { value: ProjectSort; label: string }[] = [
  { value: 'recent', label: 'Recently active' },
  { value: 'name', label: 'Name' },
  { value: 'created', label: 'Newest' },
];

@Component({
  selector: 'forge-dashboard',
  imports: [
    ConfirmDialogComponent,
    ImportDialogComponent,
    ModelPickerComponent,
    ProjectCardComponent,
    PromptBoxComponent,
    TopBarComponent,
  ],
  templateUrl: './dashboard.component.html',
  styleUrl: './dashboard.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardComponent implements OnInit {
  private readonly projectsService = inject(ProjectsService);
  private readonly startPrompts = inject(StartPromptsService);
  private readonly router = inject(Router);
  private readonly pendingPrompt = inject(PendingPromptService);
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counts list loads, so the answer to an older search never replaces a newer one's. */
  private listRequest = 0;

  protected readonly prompt = signal('');
  protected readonly canCreate = computed(() => this.prompt().trim() !== '' && !this.creating());
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  private readonly projects = signal<readonly Project[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly sortOptions = SORT_OPTIONS;
  protected readonly search = signal('');
  protected readonly sort = signal<ProjectSort>('recent');
  /** The search the list on screen answers (the box may be ahead of it while typing). */
  protected readonly shownSearch = signal('');
  protected readonly cards = computed(() => {
    const now = Date.now();
    return this.projects().map((project) => ({
      project,
      edited: formatTimeAgo(project.updatedAt, now),
    }));
  });
  /** The project the delete dialog asks about. */
  protected readonly deleting = signal<Project | null>(null);
  protected readonly deleteError = signal<string | null>(null);
  protected readonly importing = signal(false);

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.searchTimer));
  }

  ngOnInit(): void {
    // A prompt typed on the landing page before signing up: that project is made at once.
    const pending = this.pendingPrompt.take();
    if (pending) {
      this.prompt.set(pending);
      // Only a failure stays here: it is shown above the list.
      void this.create().then(() => this.loadFirstPage());
      return;
    }
    void this.loadFirstPage();
  }

  protected onSearch(value: string): void {
    this.search.set(value);
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadFirstPage(), SEARCH_DEBOUNCE_MS);
  }

  protected onSort(value: string): void {
    const option = SORT_OPTIONS.find((candidate) => candidate.value === value);
    if (option) {
      this.sort.set(option.value);
      void this.loadFirstPage();
    }
  }

  protected async create(): Promise<void> {
    if (!this.canCreate()) {
      return;
    }
    const description = this.prompt().trim();
    this.creating.set(true);
    this.createError.set(null);
    try {
      const project = await this.projectsService.create({
        name: projectNameFromPrompt(description),
        description,
      });
      // The workspace starts the generation with it once its live view is up.
      this.startPrompts.set(project.id, description);
      await this.router.navigate(APP_PATHS.project(project.id));
    } catch (error: unknown) {
      this.createError.set(httpErrorMessage(error, 'create the project'));
    } finally {
      this.creating.set(false);
    }
  }

  protected async loadFirstPage(): Promise<void> {
    clearTimeout(this.searchTimer);
    const request = ++this.listRequest;
    const query = { q: this.search(), sort: this.sort() };
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const page = await this.projectsService.list(null, query);
      if (request === this.listRequest) {
        this.projects.set(page.items);
        this.nextCursor.set(page.nextCursor);
        this.shownSearch.set(query.q.trim());
      }
    } catch (error: unknown) {
      if (request === this.listRequest) {
        this.loadError.set(httpErrorMessage(error, 'load your projects'));
      }
    } finally {
      if (request === this.listRequest) {
        this.loading.set(false);
      }
    }
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) {
      return;
    }
    this.loadingMore.set(true);
    this.loadError.set(null);
    try {
      const request = this.listRequest;
      const page = await this.projectsService.list(cursor, {
        q: this.shownSearch(),
        sort: this.sort(),
      });
      if (request !== this.listRequest) {
        return;
      }
      this.projects.update((loaded) => [...loaded, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error: unknown) {
      this.loadError.set(httpErrorMessage(error, 'load more projects'));
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected async onImported(project: Project): Promise<void> {
    this.importing.set(false);
    await this.router.navigate(APP_PATHS.project(project.id));
  }

  protected onRenamed(project: Project): void {
    this.projects.update((list) =>
      list.map((known) => (known.id === project.id ? project : known)),
    );
  }

  protected async onDeleteAnswer(confirmed: boolean): Promise<void> {
    const project = this.deleting();
    this.deleting.set(null);
    if (!confirmed || !project) {
      return;
    }
    this.deleteError.set(null);
    try {
      await this.projectsService.remove(project.id);
      this.projects.update((list) => list.filter((known) => known.id !== project.id));
    } catch (error: unknown) {
      this.deleteError.set(httpErrorMessage(error, `delete “${project.name}”`));
    }
  }
}
