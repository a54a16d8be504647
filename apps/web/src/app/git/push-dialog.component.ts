import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { formatTimeAgo } from '../core/relative-time';
import { type GitRemote, GitIoService } from './git-io.service';

/**
 * "Push to git" in the workspace: the remote's URL, branch and token (write-only: the page only
 * learns that one is set), and the last push. Each push sends the versions not pushed yet.
 */
@Component({
  selector: 'forge-push-dialog',
  templateUrl: './push-dialog.component.html',
  styleUrls: ['../core/modal-dialog.css', './git-dialog.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PushDialogComponent {
  private readonly gitIo = inject(GitIoService);
  readonly projectId = input.required<string>();
  readonly open = input(false);
  readonly closed = output<void>();

  protected readonly remote = signal<GitRemote | null>(null);
  protected readonly url = signal('');
  protected readonly branch = signal('main');
  protected readonly token = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly lastPush = computed(() => {
    const remote = this.remote();
    if (!remote?.lastPushedAt || remote.pushedVersion === null) {
      return null;
    }
    return `Version ${remote.pushedVersion} pushed to ${remote.branch} ${formatTimeAgo(remote.lastPushedAt, Date.now())} (commit ${remote.lastCommit?.slice(0, 7) ?? '?'}).`;
  });
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.open() && !dialog.open) {
        this.error.set(null);
        dialog.showModal?.();
        void this.load();
      } else if (!this.open() && dialog.open) {
        dialog.close();
      }
    });
  }

  protected async push(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.gitIo.setRemote(this.projectId(), {
        url: this.url().trim(),
        branch: this.branch().trim(),
        token: this.token(),
      });
      this.token.set('');
      this.remote.set(await this.gitIo.push(this.projectId()));
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'push'));
      await this.load();
    } finally {
      this.busy.set(false);
    }
  }

  protected close(): void {
    if (!this.busy()) {
      this.closed.emit();
    }
  }

  private async load(): Promise<void> {
    try {
      const remote = await this.gitIo.remote(this.projectId());
      this.remote.set(remote);
      if (remote) {
        this.url.set(remote.url);
        this.branch.set(remote.branch);
      }
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'load the git remote'));
    }
  }
}
