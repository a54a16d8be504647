import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { HttpErrorResponse } from '@angular/common/http';
import { DomSanitizer, type SafeResourceUrl, Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { AuthService } from '../auth/auth.service';
import { APP_PATHS, RETURN_URL_PARAM } from '../core/app-paths';
import { httpErrorMessage } from '../core/http-error-message';
import { PublishApiService, type SharedProject } from '../publish/publish-api.service';

type Load =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly project: SharedProject }
  | { readonly status: 'missing' }
  | { readonly status: 'failed'; readonly message: string };

/**
 * /s/:token — a shared project, read-only, for anyone holding the link: its versions, a
 * version's files, the published app, and "Remix" into one's own account (signed in).
 */
@Component({
  selector: 'forge-shared-page',
  imports: [RouterLink],
  templateUrl: './shared-page.component.html',
  styleUrl: './shared-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SharedPageComponent {
  /** The route's :token (withComponentInputBinding). */
  readonly token = input.required<string>();

  private readonly api = inject(PublishApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly sanitizer = inject(DomSanitizer);
  protected readonly paths = APP_PATHS;
  protected readonly load = signal<Load>({ status: 'loading' });
  protected readonly path = signal<string | null>(null);
  protected readonly remixing = signal(false);
  protected readonly remixError = signal<string | null>(null);
  protected readonly signedIn = this.auth.isSignedIn;

  protected readonly project = computed(() => {
    const load = this.load();
    return load.status === 'ready' ? load.project : null;
  });
  protected readonly file = computed<{ path: string; content: string } | null>(() => {
    const files = this.project()?.files ?? [];
    return files.find((file) => file.path === this.path()) ?? files.at(0) ?? null;
  });
  protected readonly appFrame = computed<SafeResourceUrl | null>(() => {
    const app = this.project()?.app;
    // The address comes from this server's PUBLISH_URL_TEMPLATE, never from the shared files.
    return app ? this.sanitizer.bypassSecurityTrustResourceUrl(app.openUrl) : null;
  });
  protected readonly signInLink = computed(() => ({
    [RETURN_URL_PARAM]: `/s/${this.token()}`,
  }));

  constructor() {
    void this.auth.ensureSession().catch(() => null);
    effect(() => {
      const token = this.token();
      untracked(() => void this.open(token));
    });
    const title = inject(Title);
    effect(() => {
      const name = this.project()?.name;
      if (name) {
        title.setTitle(`${name} (shared) · Forge`);
      }
    });
  }

  private async open(token: string, version?: number): Promise<void> {
    try {
      const project = await this.api.shared(token, version);
      this.load.set({ status: 'ready', project });
      if (!project.files.some((file) => file.path === this.path())) {
        this.path.set(
          project.files.find((file) => file.path === 'src/App.tsx')?.path ??
            project.files[0]?.path ??
            null,
        );
      }
    } catch (error: unknown) {
      this.load.set(
        error instanceof HttpErrorResponse && error.status === 404
          ? { status: 'missing' }
          : { status: 'failed', message: httpErrorMessage(error, 'open the shared project') },
      );
    }
  }

  protected showVersion(number: number): void {
    void this.open(this.token(), number);
  }

  protected async remix(): Promise<void> {
    this.remixing.set(true);
    this.remixError.set(null);
    try {
      const copy = await this.api.remix(this.token(), this.project()?.version ?? undefined);
      await this.router.navigate(APP_PATHS.project(copy.id));
    } catch (error: unknown) {
      if (error instanceof HttpErrorResponse && error.status === 404) {
        this.load.set({ status: 'missing' });
      } else {
        this.remixError.set(httpErrorMessage(error, 'remix'));
      }
    } finally {
      this.remixing.set(false);
    }
  }
}
