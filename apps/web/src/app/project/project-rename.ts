import { Injector, afterNextRender, inject, signal } from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { type Project } from './project.model';
import { ProjectsService } from './projects.service';

export interface ProjectRenameHost {
  readonly project: () => Project;
  /** The name field, once it is rendered. */
  readonly field: () => HTMLInputElement | undefined;
  readonly renamed: (project: Project) => void;
  /** After the field closes, saved or cancelled (e.g. the focus back on the pencil). */
  readonly closed?: () => void;
}

/**
 * Renaming a project in place, for the dashboard card and the workspace heading: open the
 * field (focused, all selected), save a changed non-blank name, cancel. Made in the
 * component's injection context (a field initializer).
 */
export class ProjectRename {
  private readonly projects = inject(ProjectsService);
  private readonly injector = inject(Injector);

  readonly editing = signal(false);
  readonly saving = signal(false);
  readonly error = signal<string | null>(null);

  constructor(private readonly host: ProjectRenameHost) {}

  start(): void {
    this.error.set(null);
    this.editing.set(true);
    // The field exists once this change is rendered.
    this.afterRender(() => {
      const field = this.host.field();
      field?.focus();
      field?.select();
    });
  }

  cancel(): void {
    this.editing.set(false);
    this.error.set(null);
    const closed = this.host.closed;
    if (closed) {
      this.afterRender(closed);
    }
  }

  async save(value: string): Promise<void> {
    const name = value.trim();
    if (!name) {
      this.error.set('Give the project a name.');
      return;
    }
    if (name === this.host.project().name) {
      this.cancel();
      return;
    }
    this.saving.set(true);
    this.error.set(null);
    try {
      const project = await this.projects.rename(this.host.project().id, name);
      this.host.renamed(project);
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
