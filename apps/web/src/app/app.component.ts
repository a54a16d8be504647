import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { AuthService } from './auth/auth.service';
import { UnisolatedBannerComponent } from './core/sandbox-trust/unisolated-banner.component';

@Component({
  selector: 'forge-root',
  imports: [RouterOutlet, UnisolatedBannerComponent],
  template: `
    @if (signedIn()) {
      <forge-unisolated-banner />
    }
    <router-outlet />
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppComponent {
  /** The admin banner is for signed-in users; the sign-up page shows the refusal itself. */
  protected readonly signedIn = inject(AuthService).isSignedIn;
}
