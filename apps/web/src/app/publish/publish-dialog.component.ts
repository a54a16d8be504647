import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { type VersionSummary } from '@forge/protocol/agent/versions';
import { httpErrorMessage } from '../core/http-error-message';
import { showModal } from '../core/modal-dialog';
import { VersionsApiService } from '../workspace/versions/versions-api.service';
import { PublishApiService, type Publication, type Visibility } from './publish-api.service';

const VISIBILITY_WORDS: Record<Visibility, { label: string; hint: string }> = {
  public: { label: 'Public', hint: 'Anyone with the address opens it.' },
  unlisted: { label: 'Unlisted', hint: 'Only people holding its secret link open it.' },
  private: { label: 'Private', hint: 'Only you, from this page.' },
};

/** A name that passes the API's slug rules, from the project's name. */
export function suggestSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^[0-9-]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug.length >= 3 ? slug : `app-${slug || 'forge'}`;
}

/**
 * Publish: the address name, who may open the app and which version, the live address, and
 * unpublish. A modal <dialog>; the API builds the version and answers when it is live.
 */
@Component({
  selector: 'forge-publish-dialog',
  templateUrl: './publish-dialog.component.html',
  styleUrls: ['../core/modal-dialog.css', './publish-dialog.component.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PublishDialogComponent {
  readonly projectId = input.required<string>();
  readonly projectName = input('');
  readonly closed = output<void>();

  private readonly api = inject(PublishApiService);
  private readonly versionsApi = inject(VersionsApiService);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  protected readonly visibilityWords = VISIBILITY_WORDS;
  protected readonly visibilities: readonly Visibility[] = ['public', 'unlisted', 'private'];
  protected readonly loading = signal(true);
  protected readonly busy = signal<'publishing' | 'unpublishing' | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly live = signal<Publication | null>(null);
  protected readonly versions = signal<readonly VersionSummary[]>([]);
  protected readonly slug = signal('');
  protected readonly visibility = signal<Visibility>('public');
  protected readonly version = signal<number | null>(null);
  protected readonly canPublish = computed(
    () => !this.busy() && !this.loading() && this.slug().length > 0 && this.version() !== null,
  );

  constructor() {
    afterNextRender(() => {
      showModal(this.dialog().nativeElement);
      void this.load();
    });
  }

  private async load(): Promise<void> {
    try {
      const [live, versions] = await Promise.all([
        this.api.publication(this.projectId()),
        this.versionsApi.list(this.projectId()),
      ]);
      this.live.set(live);
      this.versions.set(versions);
      this.slug.set(live?.slug ?? suggestSlug(this.projectName()));
      this.visibility.set(live?.visibility ?? 'public');
      this.version.set(live?.version ?? versions[0]?.number ?? null);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'load the publishing settings'));
    } finally {
      this.loading.set(false);
    }
  }

  protected onSlug(event: Event): void {
    this.slug.set((event.target as HTMLInputElement).value.trim());
  }

  protected onVersion(event: Event): void {
    this.version.set(Number((event.target as HTMLSelectElement).value));
  }

  protected async publish(): Promise<void> {
    const version = this.version();
    if (version === null) {
      return;
    }
    this.busy.set('publishing');
    this.error.set(null);
    try {
      this.live.set(
        await this.api.publish(this.projectId(), {
          slug: this.slug(),
          visibility: this.visibility(),
          version,
        }),
      );
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'publish'));
    } finally {
      this.busy.set(null);
    }
  }

  protected async unpublish(): Promise<void> {
    this.busy.set('unpublishing');
    this.error.set(null);
    try {
      await this.api.unpublish(this.projectId());
      this.live.set(null);
    } catch (error: unknown) {
      this.error.set(httpErrorMessage(error, 'unpublish'));
    } finally {
      this.busy.set(null);
    }
  }

  protected close(): void {
    this.dialog().nativeElement.close();
  }

  protected onClosed(): void {
    this.closed.emit();
  }
}
