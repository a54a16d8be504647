import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/** The name of the `<meta>` tag in index.html that a deployment may set to point at another API origin. */
export const API_BASE_META_NAME = 'forge-api-base';

/**
 * Where the REST API and Socket.IO live, without a trailing slash. '' (the default) means the
 * page's own origin: the dev-server proxy and the production static server both forward /api there.
 */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => {
    const meta = inject(DOCUMENT).querySelector<HTMLMetaElement>(
      `meta[name="${API_BASE_META_NAME}"]`,
    );
    return (meta?.content ?? '').trim().replace(/\/+$/, '');
  },
});
