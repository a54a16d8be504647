import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { APP_PATHS, RETURN_URL_PARAM, safeReturnUrl } from '../../core/app-paths';
import { AuthError } from '../auth-error';
import { AuthService } from '../auth.service';

type SignInField = 'email' | 'password';

@Component({
  selector: 'forge-sign-in',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './sign-in.component.html',
  styleUrl: '../auth-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInComponent {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly paths = APP_PATHS;
  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected showError(field: SignInField): boolean {
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
    try {
      await this.auth.signIn(this.form.getRawValue());
      const returnUrl = this.route.snapshot.queryParamMap.get(RETURN_URL_PARAM);
      await this.router.navigateByUrl(safeReturnUrl(returnUrl));
    } catch (error: unknown) {
      this.error.set(AuthError.fromHttp(error).message);
    } finally {
      this.submitting.set(false);
    }
  }
}
