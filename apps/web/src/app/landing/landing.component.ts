import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { PromptBoxComponent } from '../dashboard/prompt-box.component';
import { PendingPromptService } from '../project/pending-prompt.service';

/**
 * What a stranger sees at `/`: the prompt box, as builders open. The prompt is kept while they
 * create an account; the dashboard then creates that project and opens it straight away.
 */
@Component({
  selector: 'forge-landing',
  imports: [PromptBoxComponent, RouterLink],
  templateUrl: './landing.component.html',
  styleUrl: './landing.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LandingComponent {
  private readonly router = inject(Router);
  private readonly pending = inject(PendingPromptService);

  protected readonly paths = APP_PATHS;
  protected readonly prompt = signal(this.pending.peek() ?? '');

  protected async start(): Promise<void> {
    this.pending.set(this.prompt().trim());
    await this.router.navigateByUrl(APP_PATHS.signUp);
  }
}
