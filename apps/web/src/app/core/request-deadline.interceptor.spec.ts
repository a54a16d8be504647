import { HttpClient, HttpContext, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { httpErrorMessage } from './http-error-message';
import {
  API_REQUEST_TIMEOUT_MS,
  REQUEST_DEADLINE_MS,
  RequestDeadlineError,
  requestDeadlineInterceptor,
} from './request-deadline.interceptor';

describe(requestDeadlineInterceptor.name, () => {
  let client: HttpClient;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([requestDeadlineInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    client = TestBed.inject(HttpClient);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('fails an API call left unanswered past its deadline, naming the limit', async () => {
    const context = new HttpContext().set(REQUEST_DEADLINE_MS, 20);
    const answer = firstValueFrom(client.get('/api/projects', { context }));
    const request = http.expectOne('/api/projects');
    const error: unknown = await answer.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RequestDeadlineError);
    expect(request.cancelled).toBe(true);
    expect(httpErrorMessage(error, 'load your projects')).toBe(
      'Could not load your projects: Forge did not answer within 20 ms. Try again.',
    );
  });

  it('lets an answer within the deadline through', async () => {
    const answer = firstValueFrom(client.get('/api/projects'));
    http.expectOne('/api/projects').flush({ projects: [] });
    await expect(answer).resolves.toEqual({ projects: [] });
  });

  it('names API_REQUEST_TIMEOUT_MS for the default deadline, and leaves other URLs alone', () => {
    expect(new RequestDeadlineError(API_REQUEST_TIMEOUT_MS).message).toBe(
      'Forge did not answer within 30 s (API_REQUEST_TIMEOUT_MS). Try again.',
    );
    const request = TestBed.inject(HttpClient).get('https://example.com/x').subscribe();
    http.expectOne('https://example.com/x').flush('ok');
    request.unsubscribe();
  });
});
