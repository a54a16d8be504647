import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { DomSanitizer, type SafeResourceUrl } from '@angular/platform-browser';
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

interface Frame {
  readonly key: number;
  readonly url: string;
  readonly src: SafeResourceUrl;
}

/**
 * The running app in an iframe on its own origin, with reload, open-in-new-tab and a
 * phone/desktop width toggle. The link is asked for whenever a dev server (re)starts and on
 * reload; each answer makes a new iframe, so the app is loaded fresh after every phase.
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

  protected readonly phoneWidth = PHONE_PREVIEW_WIDTH;
  protected readonly width = signal<'desktop' | 'phone'>('desktop');
  private readonly link = signal<LinkState>({ status: 'none' });
  private readonly reloads = signal(0);
  private frameCount = 0;
  private readonly frameSignal = signal<Frame | null>(null);
  protected readonly frames = computed(() => {
    const frame = this.frameSignal();
    return frame && this.link().status === 'ready' ? [frame] : [];
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
    return `${this.store.projectId()}#${state.serverStarts}#${this.reloads()}`;
  });

  constructor() {
    effect(() => {
      const request = this.linkRequest();
      if (request !== null) {
        untracked(() => void this.fetchLink(this.store.projectId()));
      }
    });
  }

  /** Sends the failure or the errors to the agent as the next request. */
  protected askToFix(what: string, log: string): void {
    void this.store.generate(fixRequest(what, log));
  }

  protected reload(): void {
    this.reloads.update((count) => count + 1);
  }

  private async fetchLink(projectId: string): Promise<void> {
    if (this.link().status !== 'ready') {
      this.link.set({ status: 'loading' });
    }
    try {
      const link = await this.api.preview(projectId);
      if (projectId !== this.store.projectId()) {
        return;
      }
      if (link.status === 'ready') {
        this.frameSignal.set({
          key: ++this.frameCount,
          url: link.url,
          // parsePreviewUrl let only http(s) URLs through.
          src: this.sanitizer.bypassSecurityTrustResourceUrl(link.url),
        });
      }
      this.link.set(link);
    } catch (error: unknown) {
      this.link.set({ status: 'error', message: httpErrorMessage(error, 'open the preview') });
    }
  }
}
