import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  effect,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { type Project } from '../project/project.model';
import { GitIoService } from './git-io.service';

/**
 * "Import" on the dashboard: a new project from a git URL (HTTPS, a branch and a token if the
 * repository needs them) or from a zip of a Vite + React app. The token is sent once, for the
 * clone, and never kept.
 */
@Component({
  selector: 'forge-import-dialog',
  templateUrl: './import-dialog.component.html',
  styleUrls: ['../core/modal-dialog.css', './git-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImportDialogComponent {
  private readonly gitIo = inject(GitIoService);
  readonly open = input(false);
  readonly closed = output<void>();
  readonly imported = output<Project>();

  protected readonly url = signal('');
  protected readonly branch = signal('');
  protected readonly token = signal('');
  protected readonly zip = signal<File | null>(null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.open() && !dialog.open) {
        this.error.set(null);
        dialog.showModal?.();
      } else if (!this.open() && dialog.open) {
        dialog.close();
      }
    });
  }

  protected onZipChosen(input: HTMLInputElement): void {
    this.zip.set(input.files?.[0] ?? null);
  }

  protected async importGit(): Promise<void> {
    await this.run(() =>
      this.gitIo.importGit({
        url: this.url().trim(),
        branch: this.branch().trim(),
        token: this.token(),
      }),
    );
  }

  protected async importZip(): Promise<void> {
    const file = this.zip();
    if (file) {
      await this.run(() => this.gitIo.importZip(file));
    }
  }

  protected close(): void {
    if (!this.busy()) {
      this.closed.emit();
    }
  }

  private async run(work: () => Promise<Project>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const project = await work();
      this.token.set('');
      this.imported.emit(project);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'import the app'));
    } finally {
      this.busy.set(false);
    }
  }
}
