import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  input,
  output,
  viewChild,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { PROJECT_NAME_INPUT_MAX_LENGTH } from '../project/project-name';
import { ProjectRename } from '../project/project-rename';
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
  protected readonly thumbnail = computed(() => this.projects.thumbnailUrl(this.project()));
  /** The placeholder of a project not pictured yet: its first letter. */
  protected readonly initial = computed(() => (this.project().name.trim()[0] ?? '?').toUpperCase());
  private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>('nameInput');
  protected readonly rename = new ProjectRename({
    project: () => this.project(),
    field: () => this.nameInput()?.nativeElement,
    renamed: (project) => this.renamed.emit(project),
  });
}
