import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { APP_PATHS, RETURN_URL_PARAM, safeReturnUrl } from '../../core/app-paths';
import { AuthError } from '../auth-error';
import { AuthService, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth.service';

/** Long enough for any real name, short enough to fit the top bar. */
export const NAME_MAX_LENGTH = 100;

type SignUpField = 'name' | 'email' | 'password';

@Component({
  selector: 'forge-sign-up',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './sign-up.component.html',
  styleUrl: '../auth-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignUpComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly paths = APP_PATHS;
  protected readonly limits = {
    nameMax: NAME_MAX_LENGTH,
    passwordMin: PASSWORD_MIN_LENGTH,
    passwordMax: PASSWORD_MAX_LENGTH,
  };
  protected readonly form = inject(NonNullableFormBuilder).group({
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
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected showError(field: SignUpField): boolean {
    const control = this.form.controls[field];
    return control.invalid && (control.touched || this.submitted());
  }

  protected async submit(): Promise<void> {
    this.submitted.set(true);
    this.error.set(null);
    if (this.form.invalid || this.submitting()) {
      return;
    }
    this.submitting.set(true);
    const { name, email, password } = this.form.getRawValue();
    try {
      await this.auth.signUp({ name: name.trim(), email, password });
      const returnUrl = this.route.snapshot.queryParamMap.get(RETURN_URL_PARAM);
      await this.router.navigateByUrl(safeReturnUrl(returnUrl));
    } catch (error: unknown) {
      this.error.set(AuthError.fromHttp(error).message);
    } finally {
      this.submitting.set(false);
    }
  }
}
