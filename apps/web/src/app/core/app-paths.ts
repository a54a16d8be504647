/** Every place the app links or redirects to, spelled once. */
export const APP_PATHS = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  dashboard: '/',
  project: (id: string) => ['/project', id],
} as const;

/** The query parameter that carries the page to go back to after signing in. */
export const RETURN_URL_PARAM = 'returnUrl';

/**
 * Accepts only paths inside this app, so a crafted link cannot send a user who just signed in
 * to another site ("//evil.example" and "/\evil.example" are absolute URLs to a browser).
 */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return APP_PATHS.dashboard;
  }
  return value;
}
