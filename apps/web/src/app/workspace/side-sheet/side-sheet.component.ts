import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterNextRender,
  input,
  output,
  viewChild,
} from '@angular/core';
import { showModal } from '../../core/modal-dialog';

let nextId = 0;

/**
 * A side sheet: a modal <dialog> along the right edge, opened as soon as it is rendered, with a
 * heading (its accessible name) and a close button; the body is the projected content. The page
 * removes the sheet when `closed` fires (the button, Esc, or the browser closed it).
 */
@Component({
  selector: 'forge-side-sheet',
  templateUrl: './side-sheet.component.html',
  styleUrl: './side-sheet.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SideSheetComponent {
  readonly heading = input.required<string>();
  /** The close button's accessible name, e.g. "Close the database". */
  readonly closeLabel = input.required<string>();
  readonly closed = output<void>();

  protected readonly headingId = `side-sheet-heading-${++nextId}`;
  private readonly sheet = viewChild.required<ElementRef<HTMLDialogElement>>('sheet');

  constructor() {
    afterNextRender(() => showModal(this.sheet().nativeElement));
  }

  /** Esc closes the sheet here, so the page does not also read it as "stop the generation". */
  protected onEscape(event: Event): void {
    event.preventDefault();
    this.close();
  }

  protected close(): void {
    const sheet = this.sheet().nativeElement;
    if (sheet.open && typeof sheet.close === 'function') {
      sheet.close();
    } else {
      this.closed.emit();
    }
  }

  /** The dialog closed (the button, Esc, or the browser): the page removes the sheet. */
  protected onClosed(): void {
    this.closed.emit();
  }
}
