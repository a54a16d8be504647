import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { httpErrorMessage } from '../core/http-error-message';
import { PROJECT_NAME_INPUT_MAX_LENGTH } from '../project/project-name';
import { ProjectStateBadgeComponent } from '../project/project-state-badge.component';
import { type Project } from '../project/project.model';
import { ProjectsService } from '../project/projects.service';
import { usageLabel } from '../models/model-list';

/**
 * A project on the dashboard: its name (a link to the workspace), description, state and last
 * change, with Rename (in place: Enter saves, Esc cancels) and Delete (asked by the page).
 */
@Component({
  selector: 'forge-project-card',
  imports: [ProjectStateBadgeComponent, RouterLink],
  templateUrl: './project-card.component.html',
  styleUrl: './project-card.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProjectCardComponent {
  private readonly projects = inject(ProjectsService);
  private readonly injector = inject(Injector);

  readonly project = input.required<Project>();
  /** "2 h ago", or '' when the date is unknown. */
  readonly edited = input('');
  readonly renamed = output<Project>();
  readonly deleteRequested = output<Project>();

  protected readonly nameMaxLength = PROJECT_NAME_INPUT_MAX_LENGTH;
  protected readonly link = computed(() => APP_PATHS.project(this.project().id));
  /** "12.3k tokens · $0.04" once the project made LLM calls. */
  protected readonly usage = computed(() => {
    const usage = this.project().usage;
    return usage && usage.calls > 0
      ? usageLabel(usage.promptTokens + usage.completionTokens, usage.costUsd)
      : null;
  });
  protected readonly editing = signal(false);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>('nameInput');

  protected startRename(): void {
    this.error.set(null);
    this.editing.set(true);
    // The input exists once this change is rendered.
    afterNextRender(
      () => {
        const input = this.nameInput()?.nativeElement;
        input?.focus();
        input?.select();
      },
      { injector: this.injector },
    );
  }

  protected cancelRename(): void {
    this.editing.set(false);
    this.error.set(null);
  }

  protected async saveRename(value: string): Promise<void> {
    const name = value.trim();
    if (!name) {
      this.error.set('Give the project a name.');
      return;
    }
    if (name === this.project().name) {
      this.cancelRename();
      return;
    }
    this.saving.set(true);
    this.error.set(null);
    try {
      const project = await this.projects.rename(this.project().id, name);
      this.editing.set(false);
      this.renamed.emit(project);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'rename the project'));
    } finally {
      this.saving.set(false);
    }
  }
}
