import { ChangeDetectionStrategy, Component, computed, inject, type OnInit } from '@angular/core';
import { SandboxTrustService } from './sandbox-trust.service';

/**
 * The admin banner of a server whose process sandboxes are not isolated: generated apps run
 * with Forge's own rights there. Shown on every signed-in page; nothing when isolated.
 */
@Component({
  selector: 'forge-unisolated-banner',
  template: `
    @if (message(); as text) {
      <p class="alert unisolated" role="status">{{ text }}</p>
    }
  `,
  styles: `
    .unisolated {
      border-radius: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UnisolatedBannerComponent implements OnInit {
  private readonly service = inject(SandboxTrustService);

  protected readonly message = computed(() => {
    const trust = this.service.trust();
    if (!trust || trust.isolated) {
      return null;
    }
    const why = `Generated apps on this server run without isolation (${trust.detail}): their code can read Forge's secrets and every project here.`;
    return trust.unisolatedAllowed
      ? `${why} Every user may sign up anyway (SANDBOX_PROCESS_UNISOLATED=true): keep it to people you trust with this machine.`
      : `${why} Sign-up is closed after the first account; install bubblewrap to isolate apps, or set SANDBOX_PROCESS_UNISOLATED=true to open it (see the README).`;
  });

  ngOnInit(): void {
    void this.service.load();
  }
}
