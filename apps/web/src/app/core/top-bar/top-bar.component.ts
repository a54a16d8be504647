import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { AuthError } from '../../auth/auth-error';
import { AuthService } from '../../auth/auth.service';
import { APP_PATHS } from '../app-paths';

/**
 * The bar above every signed-in page: the brand, the page's own content (its actions, marked
 * `forgeTopBarActions`, go on the right), the user and sign-out.
 */
@Component({
  selector: 'forge-top-bar',
  imports: [RouterLink],
  templateUrl: './top-bar.component.html',
  styleUrl: './top-bar.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopBarComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected readonly paths = APP_PATHS;
  protected readonly user = this.auth.currentUser;
  protected readonly signingOut = signal(false);
  protected readonly error = signal<string | null>(null);

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
