import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  input,
  output,
  viewChild,
} from '@angular/core';
import { PROJECT_NAME_INPUT_MAX_LENGTH } from './project-name';
import { type Project } from './project.model';
import { ProjectRename } from './project-rename';

/**
 * The project's name as the workspace heading, renamed in place: the pencil (or a click on the
 * name) opens a field; Enter saves, Esc cancels, and the focus comes back to the pencil.
 */
@Component({
  selector: 'forge-project-title',
  templateUrl: './project-title.component.html',
  styleUrl: './project-title.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProjectTitleComponent {
  readonly project = input.required<Project>();
  readonly renamed = output<Project>();

  protected readonly nameMaxLength = PROJECT_NAME_INPUT_MAX_LENGTH;
  private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>('nameInput');
  private readonly renameButton = viewChild<ElementRef<HTMLButtonElement>>('renameButton');
  protected readonly rename = new ProjectRename({
    project: () => this.project(),
    field: () => this.nameInput()?.nativeElement,
    renamed: (project) => this.renamed.emit(project),
    closed: () => this.renameButton()?.nativeElement.focus(),
  });
}
