import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { PendingPromptService } from '../project/pending-prompt.service';

/**
 * The card of the sign-in and sign-up pages: the brand, the page's heading, and a line on what
 * happens once the user is in (the prompt typed on the landing page starts); the form and the
 * link to the other page are projected.
 */
@Component({
  selector: 'forge-auth-card',
  templateUrl: './auth-card.component.html',
  styleUrl: './auth-card.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthCardComponent {
  readonly heading = input.required<string>();
  readonly headingId = input.required<string>();

  /** The prompt typed on the landing page, which starts once the user is in. */
  protected readonly pendingPrompt = inject(PendingPromptService).peek();
}
