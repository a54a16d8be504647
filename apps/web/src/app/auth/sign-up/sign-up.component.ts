import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { AuthCardComponent } from '../auth-card.component';
import { AuthFieldComponent } from '../auth-field.component';
import { AuthFormPage } from '../auth-form-page';
import { AuthService, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth.service';

/** Long enough for any real name, short enough to fit the top bar. */
export const NAME_MAX_LENGTH = 100;

const signUpForm = () =>
  inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(NAME_MAX_LENGTH)]],
    email: ['', [Validators.required, Validators.email]],
    password: [
      '',
      [
        Validators.required,
        Validators.minLength(PASSWORD_MIN_LENGTH),
        Validators.maxLength(PASSWORD_MAX_LENGTH),
      ],
    ],
  });

@Component({
  selector: 'forge-sign-up',
  imports: [AuthCardComponent, AuthFieldComponent, ReactiveFormsModule, RouterLink],
  templateUrl: './sign-up.component.html',
  styleUrl: '../auth-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignUpComponent extends AuthFormPage<ReturnType<typeof signUpForm>['controls']> {
  private readonly auth = inject(AuthService);

  protected readonly limits = {
    nameMax: NAME_MAX_LENGTH,
    passwordMin: PASSWORD_MIN_LENGTH,
    passwordMax: PASSWORD_MAX_LENGTH,
  };
  protected readonly retryFieldId = 'sign-up-password';
  protected readonly form = signUpForm();

  protected submit(): Promise<void> {
    const { name, email, password } = this.form.getRawValue();
    return this.send(() => this.auth.signUp({ name: name.trim(), email, password }));
  }
}
