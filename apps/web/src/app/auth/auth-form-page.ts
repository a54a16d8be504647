import { ElementRef, Injector, afterNextRender, inject, signal } from '@angular/core';
import { type AbstractControl, type FormGroup } from '@angular/forms';
import { ActivatedRoute, Router } from '@angular/router';
import { APP_PATHS, RETURN_URL_PARAM, safeReturnUrl } from '../core/app-paths';
import { AuthError } from './auth-error';

/**
 * What the sign-in and sign-up pages share: field errors shown once touched or after a first
 * try, one request at a time, the server's message on failure, and on success back to where
 * the user was going.
 */
export abstract class AuthFormPage<Controls extends Record<string, AbstractControl>> {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly host: ElementRef<HTMLElement> = inject(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly paths = APP_PATHS;
  protected abstract readonly form: FormGroup<Controls>;
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly error = signal<string | null>(null);
  /** The field to type in again after the server refused the form (the password). */
  protected abstract readonly retryFieldId: string;

  protected showError(field: keyof Controls & string): boolean {
    const control = this.form.controls[field];
    return control.invalid && (control.touched || this.submitted());
  }

  /** Sends the valid form with `request`, then goes on to the return URL. */
  protected async send(request: () => Promise<unknown>): Promise<void> {
    this.submitted.set(true);
    this.error.set(null);
    if (this.submitting()) {
      return;
    }
    if (this.form.invalid) {
      this.focusAfterRender('.input[aria-invalid="true"]');
      return;
    }
    this.submitting.set(true);
    try {
      await request();
      const returnUrl = this.route.snapshot.queryParamMap.get(RETURN_URL_PARAM);
      await this.router.navigateByUrl(safeReturnUrl(returnUrl));
    } catch (error: unknown) {
      this.error.set(AuthError.fromHttp(error).message);
      // The button that sent the form was disabled meanwhile and lost the focus.
      this.focusAfterRender(`#${this.retryFieldId}`);
    } finally {
      this.submitting.set(false);
    }
  }

  private focusAfterRender(selector: string): void {
    afterNextRender(
      () => {
        const field = this.host.nativeElement.querySelector<HTMLInputElement>(selector);
        field?.focus();
        field?.select();
      },
      { injector: this.injector },
    );
  }
}
