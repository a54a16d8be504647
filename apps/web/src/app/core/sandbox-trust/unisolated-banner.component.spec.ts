import { HttpErrorResponse, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AuthError, AuthErrorCode } from '../../auth/auth-error';
import { type SandboxTrust } from './sandbox-trust.service';
import { UnisolatedBannerComponent } from './unisolated-banner.component';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function render(trust: SandboxTrust): Promise<HTMLElement> {
  TestBed.configureTestingModule({
    imports: [UnisolatedBannerComponent],
    providers: [provideHttpClient(), provideHttpClientTesting()],
  });
  const fixture = TestBed.createComponent(UnisolatedBannerComponent);
  fixture.detectChanges();
  TestBed.inject(HttpTestingController).expectOne('/api/sandbox-trust').flush(trust);
  await settle();
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

const UNISOLATED: SandboxTrust = {
  provider: 'process',
  isolated: false,
  detail: 'turned off (SANDBOX_PROCESS_ISOLATION=off)',
  unisolatedAllowed: false,
  firstAccountOnly: true,
};

describe(UnisolatedBannerComponent.name, () => {
  it('says that apps run unisolated and sign-up is closed, naming the setting', async () => {
    const element = await render(UNISOLATED);
    const text = element.querySelector('[role="status"]')?.textContent ?? '';
    expect(text).toContain('without isolation');
    expect(text).toContain('Sign-up is closed after the first account');
    expect(text).toContain('SANDBOX_PROCESS_UNISOLATED');
  });

  it('warns every user when the operator opened sign-up anyway', async () => {
    const element = await render({
      ...UNISOLATED,
      unisolatedAllowed: true,
      firstAccountOnly: false,
    });
    expect(element.textContent).toContain('Every user may sign up anyway');
  });

  it('shows nothing where apps run isolated', async () => {
    const element = await render({ ...UNISOLATED, isolated: true, firstAccountOnly: false });
    expect(element.querySelector('[role="status"]')).toBeNull();
  });

  it('gives a refused sign-up the server’s message', () => {
    const message = 'Sign-up is closed: ... SANDBOX_PROCESS_UNISOLATED=true ...';
    const error = AuthError.fromHttp(
      new HttpErrorResponse({ status: 403, error: { code: 'SIGN_UP_CLOSED', message } }),
    );
    expect(error.code).toBe(AuthErrorCode.SignUpClosed);
    expect(error.message).toBe(message);
  });
});
