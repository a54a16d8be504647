import { ChangeDetectionStrategy, Component } from '@angular/core';
import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { firstValueFrom } from 'rxjs';
import { AUTH_ENDPOINTS, AuthService } from './auth.service';
import { sessionExpiredInterceptor } from './session-expired.interceptor';
import { sessionAnswer } from './testing/session-answer';

@Component({ template: 'page', changeDetection: ChangeDetectionStrategy.OnPush })
class PageComponent {}

const UNAUTHORIZED = { status: 401, statusText: 'Unauthorized' };

describe(sessionExpiredInterceptor.name, () => {
  let client: HttpClient;
  let http: HttpTestingController;
  let auth: AuthService;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([sessionExpiredInterceptor])),
        provideHttpClientTesting(),
        provideRouter([
          { path: 'sign-in', component: PageComponent },
          { path: 'project/:id', component: PageComponent },
        ]),
      ],
    });
    client = TestBed.inject(HttpClient);
    http = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/project/p1');
    const session = auth.ensureSession();
    http
      .expectOne(AUTH_ENDPOINTS.session)
      .flush(sessionAnswer({ id: 'u1', email: 'ada@example.com', name: 'Ada' }));
    await session;
  });

  afterEach(() => http.verify());

  it('forgets the session and goes to sign-in when an API call answers 401', async () => {
    const answer = firstValueFrom(client.get('/api/projects/p1'));
    http.expectOne('/api/projects/p1').flush({ message: 'Unauthorized' }, UNAUTHORIZED);

    await expect(answer).rejects.toMatchObject({ status: 401 });
    expect(auth.currentUser()).toBeNull();
    await TestBed.inject(Router).navigated;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(TestBed.inject(Router).url).toBe('/sign-in?returnUrl=%2Fproject%2Fp1');
  });

  it('leaves the 401 of a sign-in attempt to the sign-in form', async () => {
    const answer = firstValueFrom(client.post(AUTH_ENDPOINTS.signIn, {}));
    http.expectOne(AUTH_ENDPOINTS.signIn).flush({ message: 'Invalid' }, UNAUTHORIZED);

    await expect(answer).rejects.toMatchObject({ status: 401 });
    expect(auth.currentUser()).not.toBeNull();
    expect(TestBed.inject(Router).url).toBe('/project/p1');
  });
});
