import { type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { API_BASE_URL } from './api-base-url.token';

/** Requests the app makes to its own API; anything else (absolute URLs) is left untouched. */
export function isApiRequest(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

/**
 * Sends API calls to the configured base and with credentials, so the better-auth session cookie
 * travels even when the API sits on another origin. Cookies never go to third-party URLs.
 */
export const apiInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiRequest(request.url)) {
    return next(request);
  }
  const baseUrl = inject(API_BASE_URL);
  return next(request.clone({ url: baseUrl + request.url, withCredentials: true }));
};
