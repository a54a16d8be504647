import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  type OnInit,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { ConfirmDialogComponent } from '../core/confirm-dialog/confirm-dialog.component';
import { httpErrorMessage } from '../core/http-error-message';
import { formatTimeAgo } from '../core/relative-time';
import { TopBarComponent } from '../core/top-bar/top-bar.component';
import { ImportDialogComponent } from '../git/import-dialog.component';
import { projectNameFromPrompt } from '../project/project-name';
import { type Project } from '../project/project.model';
import { ProjectsService } from '../project/projects.service';
import { StartPromptsService } from '../project/start-prompts.service';
import { EXAMPLE_PROMPTS } from './example-prompts';
import { ProjectCardComponent } from './project-card.component';

/** The longest prompt the box accepts; the API enforces its own limit on the description too. */
export const PROMPT_MAX_LENGTH = 4000;

@Component({
  selector: 'forge-dashboard',
  imports: [ConfirmDialogComponent, ImportDialogComponent, ProjectCardComponent, TopBarComponent],
  templateUrl: './dashboard.component.html',
  styleUrl: './dashboard.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardComponent implements OnInit {
  private readonly projectsService = inject(ProjectsService);
  private readonly startPrompts = inject(StartPromptsService);
  private readonly router = inject(Router);
  private readonly promptBox = viewChild.required<ElementRef<HTMLTextAreaElement>>('promptBox');

  protected readonly examples = EXAMPLE_PROMPTS;
  protected readonly promptMaxLength = PROMPT_MAX_LENGTH;
  protected readonly prompt = signal('');
  protected readonly canCreate = computed(() => this.prompt().trim() !== '' && !this.creating());
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  private readonly projects = signal<readonly Project[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly loadError = signal<string | null>(null);
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

  ngOnInit(): void {
    void this.loadFirstPage();
  }

  protected useExample(example: string): void {
    this.prompt.set(example);
    this.promptBox().nativeElement.focus();
  }

  /** Enter sends, Shift+Enter breaks the line (UI.md); an IME composition keeps its Enter. */
  protected onPromptEnter(event: Event): void {
    const keyboardEvent = event as KeyboardEvent;
    if (keyboardEvent.shiftKey || keyboardEvent.isComposing) {
      return;
    }
    keyboardEvent.preventDefault();
    void this.create();
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
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const page = await this.projectsService.list();
      this.projects.set(page.items);
      this.nextCursor.set(page.nextCursor);
    } catch (error: unknown) {
      this.loadError.set(httpErrorMessage(error, 'load your projects'));
    } finally {
      this.loading.set(false);
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
      const page = await this.projectsService.list(cursor);
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
