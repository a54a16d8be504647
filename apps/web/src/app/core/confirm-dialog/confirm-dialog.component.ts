import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  effect,
  input,
  output,
  viewChild,
} from '@angular/core';
import { hideModal, showModal } from '../modal-dialog';

let nextId = 0;

/**
 * A yes/no question in a native modal <dialog>: the browser traps focus, Esc answers no, and
 * focus returns where it was. Shown while `open` is true; each answer is emitted once.
 */
@Component({
  selector: 'forge-confirm-dialog',
  templateUrl: './confirm-dialog.component.html',
  styleUrls: ['../modal-dialog.css', './confirm-dialog.component.css'],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialogComponent {
  readonly open = input(false);
  readonly heading = input.required<string>();
  readonly message = input('');
  readonly confirmLabel = input('OK');
  readonly cancelLabel = input('Cancel');
  /** Focus the confirm button first, for questions where yes is the expected answer. */
  readonly confirmFirst = input(false);
  readonly answered = output<boolean>();

  protected readonly ids = {
    heading: `confirm-heading-${++nextId}`,
    message: `confirm-message-${nextId}`,
  };
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private answering = false;

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.open() && !dialog.open) {
        this.answering = false;
        showModal(dialog);
        dialog
          .querySelector<HTMLButtonElement>(this.confirmFirst() ? '.confirm' : '.cancel')
          ?.focus();
      } else if (!this.open() && dialog.open) {
        this.answering = true;
        hideModal(dialog);
      }
    });
  }

  protected answer(yes: boolean): void {
    if (this.answering) {
      return;
    }
    this.answering = true;
    hideModal(this.dialog().nativeElement);
    this.answered.emit(yes);
  }

  /** Esc, or a close the page did not ask for, is a no. */
  protected onClose(): void {
    this.answer(false);
  }
}
