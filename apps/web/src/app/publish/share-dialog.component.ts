import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterNextRender,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { httpErrorMessage } from '../core/http-error-message';
import { showModal } from '../core/modal-dialog';
import { PublishApiService, type ShareLink } from './publish-api.service';

/**
 * Share: read-only links to the project (its code, versions and published app) that anyone
 * holding one opens, signed in or not; copy one, make one, revoke one (it then answers 404).
 */
@Component({
  selector: 'forge-share-dialog',
  templateUrl: './share-dialog.component.html',
  styleUrls: ['../core/modal-dialog.css', './publish-dialog.component.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShareDialogComponent {
  readonly projectId = input.required<string>();
  readonly closed = output<void>();

  private readonly api = inject(PublishApiService);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  protected readonly loading = signal(true);
  protected readonly busy = signal(false);
  protected readonly links = signal<readonly ShareLink[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly copied = signal<string | null>(null);

  constructor() {
    afterNextRender(() => {
      showModal(this.dialog().nativeElement);
      void this.load();
    });
  }

  private async load(): Promise<void> {
    try {
      this.links.set(await this.api.shareLinks(this.projectId()));
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'load the share links'));
    } finally {
      this.loading.set(false);
    }
  }

  protected async create(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const link = await this.api.createShareLink(this.projectId());
      this.links.update((links) => [...links, link]);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'make a share link'));
    } finally {
      this.busy.set(false);
    }
  }

  protected async revoke(link: ShareLink): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.revokeShareLink(this.projectId(), link.token);
      this.links.update((links) => links.filter((each) => each.token !== link.token));
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'revoke the link'));
    } finally {
      this.busy.set(false);
    }
  }

  protected async copy(link: ShareLink): Promise<void> {
    try {
      await navigator.clipboard.writeText(link.url);
      this.copied.set(link.token);
    } catch {
      this.error.set('The browser did not allow copying; select the link and copy it.');
    }
  }

  protected close(): void {
    this.dialog().nativeElement.close();
  }

  protected onClosed(): void {
    this.closed.emit();
  }
}
