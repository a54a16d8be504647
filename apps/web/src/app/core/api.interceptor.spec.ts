import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { API_BASE_URL } from './api-base-url.token';
import { apiInterceptor, isApiRequest } from './api.interceptor';

describe(apiInterceptor.name, () => {
  function setUp(baseUrl?: string) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        ...(baseUrl === undefined ? [] : [{ provide: API_BASE_URL, useValue: baseUrl }]),
      ],
    });
    return { client: TestBed.inject(HttpClient), http: TestBed.inject(HttpTestingController) };
  }

  it('sends API calls to the page origin with credentials by default', async () => {
    const { client, http } = setUp();
    const answer = firstValueFrom(client.get('/api/projects'));
    const request = http.expectOne('/api/projects');
    expect(request.request.withCredentials).toBe(true);
    request.flush({ items: [], nextCursor: null });
    await expect(answer).resolves.toEqual({ items: [], nextCursor: null });
    http.verify();
  });

  it('prefixes the configured API base', async () => {
    const { client, http } = setUp('https://api.forge.test');
    const answer = firstValueFrom(client.get('/api/me'));
    const request = http.expectOne('https://api.forge.test/api/me');
    expect(request.request.withCredentials).toBe(true);
    request.flush({});
    await expect(answer).resolves.toEqual({});
    http.verify();
  });

  it('leaves other URLs alone and sends them no cookies', async () => {
    const { client, http } = setUp('https://api.forge.test');
    const answer = firstValueFrom(client.get('https://cdn.example.com/apis.json'));
    const request = http.expectOne('https://cdn.example.com/apis.json');
    expect(request.request.withCredentials).toBe(false);
    request.flush([]);
    await expect(answer).resolves.toEqual([]);
    http.verify();
  });

  it('tells API paths from look-alikes', () => {
    expect(isApiRequest('/api')).toBe(true);
    expect(isApiRequest('/api/auth/sign-in/email')).toBe(true);
    expect(isApiRequest('/api?x=1')).toBe(true);
    expect(isApiRequest('/apis')).toBe(false);
    expect(isApiRequest('https://elsewhere.test/api/me')).toBe(false);
  });
});

describe('API_BASE_URL', () => {
  afterEach(() => document.head.querySelector('meta[name="forge-api-base"]')?.remove());

  it('reads the meta tag and drops a trailing slash', () => {
    const meta = document.createElement('meta');
    meta.name = 'forge-api-base';
    meta.content = 'https://api.forge.test/';
    document.head.append(meta);
    expect(TestBed.inject(API_BASE_URL)).toBe('https://api.forge.test');
  });

  it('is the page origin when no meta tag is there', () => {
    expect(TestBed.inject(API_BASE_URL)).toBe('');
  });
});
