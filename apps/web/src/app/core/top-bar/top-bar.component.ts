import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  Injector,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { AuthError } from '../../auth/auth-error';
import { AuthService } from '../../auth/auth.service';
import { APP_PATHS } from '../app-paths';

/**
 * The bar above every signed-in page: the brand, the page's own content (its actions, marked
 * `forgeTopBarActions`, go on the right), and the account button whose menu has the user and
 * sign-out (a disclosure: Esc or a click elsewhere closes it).
 */
@Component({
  selector: 'forge-top-bar',
  imports: [RouterLink],
  templateUrl: './top-bar.component.html',
  styleUrl: './top-bar.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:click)': 'onDocumentClick($event)' },
})
export class TopBarComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);

  protected readonly paths = APP_PATHS;
  protected readonly user = this.auth.currentUser;
  protected readonly signingOut = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly menuOpen = signal(false);
  protected readonly initial = computed(() => {
    const user = this.user();
    return (user?.name.trim() || user?.email || '?').charAt(0).toUpperCase();
  });
  private readonly accountButton = viewChild.required<ElementRef<HTMLElement>>('accountButton');
  private readonly signOutButton = viewChild<ElementRef<HTMLElement>>('signOutButton');
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected toggleMenu(): void {
    if (this.menuOpen()) {
      this.closeMenu(false);
      return;
    }
    this.menuOpen.set(true);
    afterNextRender(() => this.signOutButton()?.nativeElement.focus(), {
      injector: this.injector,
    });
  }

  protected closeMenu(refocus: boolean): void {
    this.menuOpen.set(false);
    if (refocus) {
      this.accountButton().nativeElement.focus();
    }
  }

  protected onDocumentClick(event: MouseEvent): void {
    if (
      this.menuOpen() &&
      !this.host.nativeElement.querySelector('.account')?.contains(event.target as Node)
    ) {
      this.menuOpen.set(false);
    }
  }

  protected async signOut(): Promise<void> {
    this.signingOut.set(true);
    this.error.set(null);
    try {
      await this.auth.signOut();
      await this.router.navigateByUrl(APP_PATHS.signIn);
    } catch (error: unknown) {
      this.error.set(`Could not sign out: ${AuthError.fromHttp(error).message}`);
    } finally {
      this.signingOut.set(false);
    }
  }
}
