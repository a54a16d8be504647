import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AUTH_ENDPOINTS } from '../auth.service';
import { SignInComponent } from './sign-in.component';
import { sessionAnswer } from '../testing/session-answer';

@Component({ template: 'signed in', changeDetection: ChangeDetectionStrategy.OnPush })
class TargetComponent {}

const ADA = { id: 'u1', email: 'ada@example.com', name: 'Ada' };
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe(SignInComponent.name, () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'sign-in', component: SignInComponent },
          { path: 'sign-up', component: TargetComponent },
          { path: 'project/:id', component: TargetComponent },
          { path: '', component: TargetComponent },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/sign-in?returnUrl=%2Fproject%2Fp1', SignInComponent);
  });

  afterEach(() => http.verify());

  function field(label: string): HTMLInputElement {
    const labelElement = [...harness.routeNativeElement!.querySelectorAll('label')].find(
      (element) => element.textContent?.trim() === label,
    );
    const input = labelElement && document.getElementById(labelElement.htmlFor);
    if (!(input instanceof HTMLInputElement)) {
      throw new Error(`no input labelled "${label}"`);
    }
    return input;
  }

  function type(label: string, value: string): void {
    const input = field(label);
    input.value = value;
    input.dispatchEvent(new Event('input'));
  }

  async function submit(): Promise<void> {
    harness.routeNativeElement!.querySelector('form')!.dispatchEvent(new Event('submit'));
    await tick();
  }

  function alertText(): string | null {
    return harness.routeNativeElement!.querySelector('[role="alert"]')?.textContent?.trim() ?? null;
  }

  it('has labelled email and password fields', () => {
    expect(field('Email').type).toBe('email');
    expect(field('Password').type).toBe('password');
  });

  it('asks for both fields before sending anything', async () => {
    await submit();
    await harness.fixture.whenStable();
    expect(harness.routeNativeElement!.textContent).toContain('Enter your email address.');
    expect(harness.routeNativeElement!.textContent).toContain('Enter your password.');
    expect(field('Email').getAttribute('aria-invalid')).toBe('true');
  });

  it('says so when the email or password is wrong', async () => {
    type('Email', ADA.email);
    type('Password', 'wrong password');
    await submit();
    http
      .expectOne(AUTH_ENDPOINTS.signIn)
      .flush({ code: 'INVALID_EMAIL_OR_PASSWORD' }, { status: 401, statusText: 'Unauthorized' });
    await tick();
    await harness.fixture.whenStable();
    expect(alertText()).toBe('Wrong email or password.');
    // The focus is on the password again, all of it selected, ready for another try.
    expect(document.activeElement).toBe(field('Password'));
    expect(field('Password').selectionStart).toBe(0);
    expect(field('Password').selectionEnd).toBe('wrong password'.length);
  });

  it('shows and hides the password', async () => {
    const toggle = harness.routeNativeElement!.querySelector<HTMLButtonElement>('.reveal')!;
    expect(toggle.textContent?.trim()).toBe('Show password');
    toggle.click();
    await harness.fixture.whenStable();
    expect(field('Password').type).toBe('text');
    expect(toggle.textContent?.trim()).toBe('Hide password');
    expect(toggle.getAttribute('aria-controls')).toBe(field('Password').id);
    toggle.click();
    await harness.fixture.whenStable();
    expect(field('Password').type).toBe('password');
  });

  it('puts the focus on the email field, where the user types first', async () => {
    await harness.fixture.whenStable();
    expect(document.activeElement).toBe(field('Email'));
  });

  it('asks the user to wait when rate-limited', async () => {
    type('Email', ADA.email);
    type('Password', 'another try');
    await submit();
    http
      .expectOne(AUTH_ENDPOINTS.signIn)
      .flush({ message: 'Too many requests' }, { status: 429, statusText: 'Too Many Requests' });
    await tick();
    await harness.fixture.whenStable();
    expect(alertText()).toBe('Too many attempts, wait a minute.');
  });

  it('goes back to the page that asked for sign-in', async () => {
    type('Email', ADA.email);
    type('Password', 'correct horse');
    await submit();
    http.expectOne(AUTH_ENDPOINTS.signIn).flush({ user: ADA });
    await tick();
    http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA));
    await tick();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/project/p1');
  });
});
