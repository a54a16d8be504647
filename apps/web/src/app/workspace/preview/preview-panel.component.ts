import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { DOCUMENT } from '@angular/common';
import { DomSanitizer, type SafeResourceUrl } from '@angular/platform-browser';
import { PREVIEW_RENDERED_MESSAGE } from '@forge/protocol/preview-messages';
import { httpErrorMessage } from '../../core/http-error-message';
import { WorkspaceApiService } from '../workspace-api.service';
import { WorkspaceStore } from '../workspace-store';
import {
  type LinkState,
  expectsRunningServer,
  fixRequest,
  previewDisplay,
  problemOutputs,
} from './preview-status';

/** The phone width of the width toggle, in CSS pixels (an iPhone 14's viewport). */
export const PHONE_PREVIEW_WIDTH = 390;
/**
 * A fresh frame loading behind is shown once its page says the app has drawn (the preview's
 * reporter posts PREVIEW_RENDERED_MESSAGE); one that has not said so by then is shown anyway.
 */
export const FRESH_FRAME_DEADLINE_MS = 20_000;

interface Frame {
  readonly key: number;
  readonly url: string;
  readonly src: SafeResourceUrl;
}

/**
 * The running app in an iframe on its own origin, with reload, open-in-new-tab and a
 * phone/desktop width toggle. The link is asked for when the preview first has a server to
 * show, whenever the dev server starts a phase, and on reload. After a restart or a reload the
 * answer replaces the frame. A phase the running server took live hot-reloads in the frame as
 * it is, never blank, and the finished phase is also loaded afresh in a second frame, unseen
 * behind it, which takes its place once loaded: that fresh load is the one whose browser errors
 * count for the phase's checks (errors of hot-reloaded half-written code never do).
 */
@Component({
  selector: 'forge-preview-panel',
  templateUrl: './preview-panel.component.html',
  styleUrl: './preview-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreviewPanelComponent {
  protected readonly store = inject(WorkspaceStore);
  private readonly api = inject(WorkspaceApiService);
  private readonly sanitizer = inject(DomSanitizer);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly phoneWidth = PHONE_PREVIEW_WIDTH;
  protected readonly width = signal<'desktop' | 'phone'>('desktop');
  private readonly link = signal<LinkState>({ status: 'none' });
  private readonly reloads = signal(0);
  private frameCount = 0;
  private readonly frameSignal = signal<Frame | null>(null);
  /** The fresh load of a phase the server took live, behind the shown frame until it loads. */
  private readonly freshSignal = signal<Frame | null>(null);
  private freshTimer?: ReturnType<typeof setTimeout>;
  /** The restarts and reloads the shown frame was made after: a new one replaces it. */
  private frameMadeFor = '';
  protected readonly frames = computed(() => {
    const frame = this.frameSignal();
    const fresh = this.freshSignal();
    if (this.link().status !== 'ready') {
      return [];
    }
    return [
      ...(frame ? [{ ...frame, fresh: false }] : []),
      ...(fresh ? [{ ...fresh, fresh: true }] : []),
    ];
  });

  protected readonly display = computed(() => {
    const state = this.store.state();
    return previewDisplay({
      view: state.view,
      stoppedFrom: state.stoppedFrom,
      logs: state.logs,
      link: this.link(),
    });
  });

  /** Check output and browser errors; a failed start shows them in its own log instead. */
  protected readonly problems = computed(() =>
    this.display().kind === 'failed' ? [] : problemOutputs(this.store.state().problems),
  );

  /** Changes whenever the link should be asked for again; null while there is nothing to show. */
  private readonly linkRequest = computed(() => {
    const state = this.store.state();
    const view = state.view;
    // "Try again" asks for the preview even when none is expected.
    if (!view || (!expectsRunningServer(view, state.serverStarts) && this.reloads() === 0)) {
      return null;
    }
    return `${this.store.projectId()}#${state.serverStarts}#${state.serverRestarts}#${this.reloads()}`;
  });

  constructor() {
    effect(() => {
      const request = this.linkRequest();
      if (request !== null) {
        const state = untracked(() => this.store.state());
        // A phase the running server took live: the frame hot-reloaded already, and replacing
        // it would blank the preview while the app loads again; the fresh load goes behind it.
        const replace = `${this.store.projectId()}#${state.serverRestarts}#${this.reloads()}`;
        untracked(() => void this.fetchLink(this.store.projectId(), replace));
      }
    });
    const window = inject(DOCUMENT).defaultView;
    const onMessage = (event: MessageEvent) => this.onFrameMessage(event);
    window?.addEventListener('message', onMessage);
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.freshTimer);
      window?.removeEventListener('message', onMessage);
    });
  }

  /** The fresh frame's page drew the app: it takes the shown frame's place. */
  private onFrameMessage(event: MessageEvent): void {
    const fresh = this.freshSignal();
    const data = event.data as { type?: unknown } | null;
    if (!fresh || data?.type !== PREVIEW_RENDERED_MESSAGE) {
      return;
    }
    const element = this.host.nativeElement.querySelector<HTMLIFrameElement>('iframe.fresh');
    if (element && event.source === element.contentWindow) {
      clearTimeout(this.freshTimer);
      this.showFresh(fresh.key);
    }
  }

  private showFresh(key: number): void {
    const fresh = this.freshSignal();
    if (fresh?.key !== key) {
      return;
    }
    this.frameSignal.set(fresh);
    this.freshSignal.set(null);
  }

  /** Sends the failure or the errors to the agent as the next request. */
  protected askToFix(what: string, log: string): void {
    void this.store.generate(fixRequest(what, log));
  }

  protected reload(): void {
    this.reloads.update((count) => count + 1);
  }

  private async fetchLink(projectId: string, replace: string): Promise<void> {
    if (this.link().status !== 'ready') {
      this.link.set({ status: 'loading' });
    }
    try {
      const link = await this.api.preview(projectId);
      if (projectId !== this.store.projectId()) {
        return;
      }
      if (link.status === 'ready') {
        const frame = {
          key: ++this.frameCount,
          url: link.url,
          // parsePreviewUrl let only http(s) URLs through.
          src: this.sanitizer.bypassSecurityTrustResourceUrl(link.url),
        };
        if (this.frameSignal() === null || replace !== this.frameMadeFor) {
          this.frameMadeFor = replace;
          clearTimeout(this.freshTimer);
          this.freshSignal.set(null);
          this.frameSignal.set(frame);
        } else {
          this.freshSignal.set(frame);
          clearTimeout(this.freshTimer);
          this.freshTimer = setTimeout(() => this.showFresh(frame.key), FRESH_FRAME_DEADLINE_MS);
        }
      }
      this.link.set(link);
    } catch (error: unknown) {
      this.link.set({ status: 'error', message: httpErrorMessage(error, 'open the preview') });
    }
  }
}
