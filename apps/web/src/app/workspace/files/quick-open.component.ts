import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  effect,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { hideModal, showModal } from '../../core/modal-dialog';
import { type PathMatch, searchPaths } from './fuzzy-path';

/** Most matches listed at once; typing more narrows the list. */
export const QUICK_OPEN_MAX_RESULTS = 50;

interface Part {
  readonly text: string;
  readonly matched: boolean;
}

/**
 * Ctrl/Cmd+P: a file's path typed loosely ("apptsx" finds src/App.tsx) and Enter opens it. A
 * native modal dialog with a combobox and its list (arrows move, Enter opens, Esc closes).
 */
@Component({
  selector: 'forge-quick-open',
  templateUrl: './quick-open.component.html',
  styleUrl: './quick-open.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QuickOpenComponent {
  readonly open = input(false);
  readonly paths = input.required<readonly string[]>();
  /** Paths marked as the starter template's, unchanged. */
  readonly starter = input<ReadonlySet<string>>(new Set());
  /** The path picked, or null when the dialog was closed without one. */
  readonly closed = output<string | null>();

  protected readonly query = signal('');
  protected readonly active = signal(0);
  protected readonly results = computed(() =>
    searchPaths(this.query(), this.paths(), QUICK_OPEN_MAX_RESULTS).map((match) => ({
      match,
      parts: parts(match),
    })),
  );
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly field = viewChild.required<ElementRef<HTMLInputElement>>('field');
  private answered = false;

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.open() && !dialog.open) {
        untracked(() => {
          this.answered = false;
          this.query.set('');
          this.active.set(0);
        });
        showModal(dialog);
        this.field().nativeElement.focus();
      } else if (!this.open() && dialog.open) {
        this.answered = true;
        hideModal(dialog);
      }
    });
  }

  protected onInput(value: string): void {
    this.query.set(value);
    this.active.set(0);
  }

  protected onKeydown(event: KeyboardEvent): void {
    const count = this.results().length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (count > 0) {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.active.update((index) => (index + step + count) % count);
        this.scrollActiveIntoView();
      }
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = this.results()[this.active()];
      if (chosen) {
        this.finish(chosen.match.path);
      }
    }
  }

  protected finish(path: string | null): void {
    if (this.answered) {
      return;
    }
    this.answered = true;
    hideModal(this.dialog().nativeElement);
    this.closed.emit(path);
  }

  protected optionId(index: number): string {
    return `quick-open-option-${index}`;
  }

  private scrollActiveIntoView(): void {
    const option = this.dialog().nativeElement.querySelector(`#${this.optionId(this.active())}`);
    option?.scrollIntoView?.({ block: 'nearest' });
  }
}

/** The path cut into runs of matched and unmatched characters. */
function parts(match: PathMatch): Part[] {
  const matched = new Set(match.positions);
  const result: Part[] = [];
  for (let i = 0; i < match.path.length; i++) {
    const isMatched = matched.has(i);
    const last = result.at(-1);
    if (last && last.matched === isMatched) {
      result[result.length - 1] = { text: last.text + match.path[i], matched: isMatched };
    } else {
      result.push({ text: match.path[i]!, matched: isMatched });
    }
  }
  return result;
}
