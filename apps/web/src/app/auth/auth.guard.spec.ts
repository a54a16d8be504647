import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { authGuard, guestGuard, guestMatch } from './auth.guard';
import { AUTH_ENDPOINTS } from './auth.service';
import { sessionAnswer } from './testing/session-answer';

@Component({
  template: 'page',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class PageComponent {}

const ADA = { id: 'u1', email: 'ada@example.com', name: 'Ada' };

describe(authGuard.name, () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'sign-in', component: PageComponent, canActivate: [guestGuard] },
          { path: 'project/:id', component: PageComponent, canActivate: [authGuard] },
          { path: '', pathMatch: 'full', component: PageComponent, canActivate: [authGuard] },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  /** Starts a navigation, answers each session check it makes in turn, and waits for it to end. */
  async function navigateWithSession(url: string, ...answers: (() => void)[]): Promise<string> {
    const navigation = harness.navigateByUrl(url);
    for (const answer of answers) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      answer();
    }
    await navigation;
    return TestBed.inject(Router).url;
  }

  it('lets a signed-in user through', async () => {
    const url = await navigateWithSession('/project/p1', () =>
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA)),
    );
    expect(url).toBe('/project/p1');
  });

  it('sends a signed-out user to sign in, with the way back', async () => {
    const url = await navigateWithSession('/project/p1', () =>
      http.expectOne(AUTH_ENDPOINTS.session).flush(null),
    );
    expect(url).toBe('/sign-in?returnUrl=%2Fproject%2Fp1');
  });

  it('sends a user to sign in when the API cannot be reached', async () => {
    const unreachable = () =>
      http.expectOne(AUTH_ENDPOINTS.session).error(new ProgressEvent('error'));
    // A failed check is not remembered, so the sign-in page's own guard asks once more.
    const url = await navigateWithSession('/', unreachable, unreachable);
    expect(url).toBe('/sign-in?returnUrl=%2F');
  });

  it('keeps a signed-in user off the sign-in page', async () => {
    const url = await navigateWithSession('/sign-in', () =>
      http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA)),
    );
    expect(url).toBe('/');
  });
});

describe(guestMatch.name, () => {
  @Component({ template: 'landing', changeDetection: ChangeDetectionStrategy.OnPush })
  class LandingPageComponent {}

  @Component({ template: 'dashboard', changeDetection: ChangeDetectionStrategy.OnPush })
  class DashboardPageComponent {}

  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: '', pathMatch: 'full', component: LandingPageComponent, canMatch: [guestMatch] },
          {
            path: '',
            pathMatch: 'full',
            component: DashboardPageComponent,
            canActivate: [authGuard],
          },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  afterEach(() => http.verify());

  async function open(answer: () => void): Promise<string> {
    const navigation = harness.navigateByUrl('/');
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    answer();
    await navigation;
    await harness.fixture.whenStable();
    return harness.routeNativeElement?.textContent ?? '';
  }

  it('shows a stranger the landing page at /', async () => {
    expect(await open(() => http.expectOne(AUTH_ENDPOINTS.session).flush(null))).toBe('landing');
  });

  it('shows a signed-in user the dashboard at the same address', async () => {
    const text = await open(() => http.expectOne(AUTH_ENDPOINTS.session).flush(sessionAnswer(ADA)));
    expect(text).toBe('dashboard');
    expect(TestBed.inject(Router).url).toBe('/');
  });
});
