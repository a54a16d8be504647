import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { sessionExpiredInterceptor } from './auth/session-expired.interceptor';
import { apiInterceptor } from './core/api.interceptor';
import { requestDeadlineInterceptor } from './core/request-deadline.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // Route parameters arrive as component inputs (the workspace's `id`).
    provideRouter(routes, withComponentInputBinding()),
    // sessionExpiredInterceptor and the deadline run first so that they see the app's own
    // '/api/…' URLs.
    provideHttpClient(
      withFetch(),
      withInterceptors([sessionExpiredInterceptor, requestDeadlineInterceptor, apiInterceptor]),
    ),
  ],
};
