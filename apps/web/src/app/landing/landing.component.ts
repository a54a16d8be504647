import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { APP_PATHS } from '../core/app-paths';
import { AutofocusDirective } from '../core/autofocus.directive';
import { EXAMPLE_PROMPTS } from '../dashboard/example-prompts';
import { PROMPT_MAX_LENGTH } from '../dashboard/prompt-limits';
import { PendingPromptService } from '../project/pending-prompt.service';

/**
 * What a stranger sees at `/`: the prompt box, as builders open. The prompt is kept while they
 * create an account; the dashboard then creates that project and opens it straight away.
 */
@Component({
  selector: 'forge-landing',
  imports: [AutofocusDirective, RouterLink],
  templateUrl: './landing.component.html',
  styleUrl: './landing.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LandingComponent {
  private readonly router = inject(Router);
  private readonly pending = inject(PendingPromptService);
  private readonly promptBox = viewChild.required<ElementRef<HTMLTextAreaElement>>('promptBox');

  protected readonly paths = APP_PATHS;
  protected readonly examples = EXAMPLE_PROMPTS;
  protected readonly promptMaxLength = PROMPT_MAX_LENGTH;
  protected readonly prompt = signal(this.pending.peek() ?? '');
  protected readonly canStart = computed(() => this.prompt().trim() !== '');

  protected useExample(example: string): void {
    this.prompt.set(example);
    this.promptBox().nativeElement.focus();
  }

  /** Enter starts, Shift+Enter breaks the line; an IME composition keeps its Enter. */
  protected onPromptEnter(event: Event): void {
    const keyboardEvent = event as KeyboardEvent;
    if (keyboardEvent.shiftKey || keyboardEvent.isComposing) {
      return;
    }
    keyboardEvent.preventDefault();
    void this.start();
  }

  protected async start(): Promise<void> {
    if (!this.canStart()) {
      return;
    }
    this.pending.set(this.prompt().trim());
    await this.router.navigateByUrl(APP_PATHS.signUp);
  }
}
