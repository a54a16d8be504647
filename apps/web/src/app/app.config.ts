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

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // Route parameters arrive as component inputs (the workspace's `id`).
    provideRouter(routes, withComponentInputBinding()),
    // sessionExpiredInterceptor runs first so that it sees the app's own '/api/…' URLs.
    provideHttpClient(withFetch(), withInterceptors([sessionExpiredInterceptor, apiInterceptor])),
  ],
};
