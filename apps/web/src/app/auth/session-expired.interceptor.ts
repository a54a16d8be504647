import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { APP_PATHS, RETURN_URL_PARAM } from '../core/app-paths';
import { isApiRequest } from '../core/api.interceptor';
import { AuthService } from './auth.service';

/** Auth calls answer 401 as part of their contract; AuthService reads those itself. */
function isAuthRequest(url: string): boolean {
  return url.startsWith('/api/auth/');
}

/**
 * A 401 from any other API call means the session ended (expired, or signed out in another
 * tab): forget it and send the user to sign in, then back to where they were.
 */
export const sessionExpiredInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiRequest(request.url) || isAuthRequest(request.url)) {
    return next(request);
  }
  const auth = inject(AuthService);
  const router = inject(Router);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401) {
        auth.forgetSession();
        void router.navigate([APP_PATHS.signIn], {
          queryParams: { [RETURN_URL_PARAM]: router.url },
        });
      }
      return throwError(() => error);
    }),
  );
};
