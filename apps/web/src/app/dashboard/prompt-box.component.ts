import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  input,
  model,
  output,
  viewChild,
} from '@angular/core';
import { AutofocusDirective } from '../core/autofocus.directive';
import { EXAMPLE_PROMPTS } from './example-prompts';
import { PROMPT_MAX_LENGTH } from './prompt-limits';

/**
 * The prompt box of the dashboard and the landing page: the text area (labelled by the page,
 * for `inputId`), its hint and submit button, and the example chips that fill it. Enter submits,
 * Shift+Enter breaks the line. Content with `.prompt-model` goes under the text area; other
 * content between the box and the chips.
 */
@Component({
  selector: 'forge-prompt-box',
  imports: [AutofocusDirective],
  templateUrl: './prompt-box.component.html',
  // The page's grid lays out the box, the projected content and the chips as before.
  styles: ':host { display: contents; }',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PromptBoxComponent {
  readonly prompt = model.required<string>();
  readonly inputId = input.required<string>();
  readonly placeholder = input.required<string>();
  readonly hint = input.required<string>();
  readonly submitLabel = input.required<string>();
  /** True while the page acts on a prompt: the button waits. */
  readonly busy = input(false);
  /** Enter or the button, with a prompt that is not blank. */
  readonly submitted = output<void>();

  protected readonly examples = EXAMPLE_PROMPTS;
  protected readonly maxLength = PROMPT_MAX_LENGTH;
  protected readonly canSubmit = computed(() => this.prompt().trim() !== '' && !this.busy());
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');

  protected useExample(example: string): void {
    this.prompt.set(example);
    this.box().nativeElement.focus();
  }

  /** Enter submits, Shift+Enter breaks the line (UI.md); an IME composition keeps its Enter. */
  protected onEnter(event: Event): void {
    const keyboardEvent = event as KeyboardEvent;
    if (keyboardEvent.shiftKey || keyboardEvent.isComposing) {
      return;
    }
    keyboardEvent.preventDefault();
    this.submit();
  }

  protected submit(): void {
    if (this.canSubmit()) {
      this.submitted.emit();
    }
  }
}
