import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { PROJECT_NAME_INPUT_MAX_LENGTH } from './project-name';
import { type Project } from './project.model';
import { ProjectsService } from './projects.service';

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
  private readonly projects = inject(ProjectsService);
  private readonly injector = inject(Injector);

  readonly project = input.required<Project>();
  readonly renamed = output<Project>();

  protected readonly nameMaxLength = PROJECT_NAME_INPUT_MAX_LENGTH;
  protected readonly editing = signal(false);
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>('nameInput');
  private readonly renameButton = viewChild<ElementRef<HTMLButtonElement>>('renameButton');

  protected start(): void {
    this.error.set(null);
    this.editing.set(true);
    this.afterRender(() => {
      const field = this.nameInput()?.nativeElement;
      field?.focus();
      field?.select();
    });
  }

  protected cancel(): void {
    this.editing.set(false);
    this.error.set(null);
    this.afterRender(() => this.renameButton()?.nativeElement.focus());
  }

  protected async save(value: string): Promise<void> {
    const name = value.trim();
    if (!name) {
      this.error.set('Give the project a name.');
      return;
    }
    if (name === this.project().name) {
      this.cancel();
      return;
    }
    this.saving.set(true);
    this.error.set(null);
    try {
      const project = await this.projects.rename(this.project().id, name);
      this.renamed.emit(project);
      this.cancel();
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'rename the project'));
    } finally {
      this.saving.set(false);
    }
  }

  private afterRender(work: () => void): void {
    afterNextRender(work, { injector: this.injector });
  }
}
