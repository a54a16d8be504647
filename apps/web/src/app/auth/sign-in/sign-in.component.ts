import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { AuthCardComponent } from '../auth-card.component';
import { AuthFieldComponent } from '../auth-field.component';
import { AuthFormPage } from '../auth-form-page';
import { AuthService } from '../auth.service';

const signInForm = () =>
  inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });

@Component({
  selector: 'forge-sign-in',
  imports: [AuthCardComponent, AuthFieldComponent, ReactiveFormsModule, RouterLink],
  templateUrl: './sign-in.component.html',
  styleUrl: '../auth-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInComponent extends AuthFormPage<ReturnType<typeof signInForm>['controls']> {
  private readonly auth = inject(AuthService);

  protected readonly retryFieldId = 'sign-in-password';
  protected readonly form = signInForm();

  protected submit(): Promise<void> {
    return this.send(() => this.auth.signIn(this.form.getRawValue()));
  }
}
