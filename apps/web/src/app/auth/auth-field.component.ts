import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { type FormControl, ReactiveFormsModule } from '@angular/forms';
import { AutofocusDirective } from '../core/autofocus.directive';

/**
 * A labelled field of the sign-in and sign-up forms: the input (a password one with its
 * Show/Hide button), and under it the error, projected by the form, once `invalid`, else the
 * hint if there is one. The input says which of the two describes it.
 */
@Component({
  selector: 'forge-auth-field',
  imports: [AutofocusDirective, ReactiveFormsModule],
  templateUrl: './auth-field.component.html',
  styleUrl: './auth-field.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuthFieldComponent {
  readonly label = input.required<string>();
  readonly fieldId = input.required<string>();
  readonly control = input.required<FormControl<string>>();
  readonly type = input<'text' | 'email' | 'password'>('text');
  readonly autocomplete = input.required<string>();
  readonly invalid = input(false);
  readonly hint = input<string | null>(null);
  readonly autofocus = input(false);

  protected readonly passwordShown = signal(false);
  protected readonly messageId = computed(
    () => `${this.fieldId()}-${this.hint() === null ? 'error' : 'hint'}`,
  );
  protected readonly describedBy = computed(() =>
    this.invalid() || this.hint() !== null ? this.messageId() : null,
  );
}
