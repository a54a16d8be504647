import { inject } from '@angular/core';
import { type CanActivateFn, type CanMatchFn, Router } from '@angular/router';
import { APP_PATHS, RETURN_URL_PARAM } from '../core/app-paths';
import { AuthService } from './auth.service';

/** Lets signed-in users through; sends everyone else to sign in, then back here. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  // An unreachable API counts as signed out: the sign-in page then says what is wrong.
  const user = await auth.ensureSession().catch(() => null);
  if (user) {
    return true;
  }
  return router.createUrlTree([APP_PATHS.signIn], {
    queryParams: { [RETURN_URL_PARAM]: state.url },
  });
};

/** Keeps signed-in users off the sign-in and sign-up pages. */
export const guestGuard: CanActivateFn = async () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  const user = await auth.ensureSession().catch(() => null);
  return user ? router.parseUrl(APP_PATHS.dashboard) : true;
};

/** Matches a route for visitors who are not signed in (the landing page at `/`). */
export const guestMatch: CanMatchFn = async () => {
  const user = await inject(AuthService)
    .ensureSession()
    .catch(() => null);
  return user === null;
};
