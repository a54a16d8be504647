import {
  HttpContext,
  HttpContextToken,
  type HttpEvent,
  HttpEventType,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { Observable } from 'rxjs';
import { isApiRequest } from './api.interceptor';

/** Longest the page waits for an API answer, unless the request names its own deadline. */
export const API_REQUEST_TIMEOUT_MS = 30_000;

/**
 * For requests whose server side has a longer deadline of its own (a publish's build,
 * PUBLISH_BUILD_TIMEOUT_MS; a git push or import, GIT_PUSH_TIMEOUT_MS and IMPORT_TIMEOUT_MS).
 */
export const LONG_REQUEST_TIMEOUT_MS = 600_000;

/** The deadline of one request; set it with `new HttpContext().set(REQUEST_DEADLINE_MS, ms)`. */
export const REQUEST_DEADLINE_MS = new HttpContextToken<number>(() => API_REQUEST_TIMEOUT_MS);

/** The context of a request with the long deadline. */
export function longRequest(): HttpContext {
  return new HttpContext().set(REQUEST_DEADLINE_MS, LONG_REQUEST_TIMEOUT_MS);
}

/** An API call that got no answer in time; its message names the limit. */
export class RequestDeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    const limit =
      deadlineMs === API_REQUEST_TIMEOUT_MS
        ? ' (API_REQUEST_TIMEOUT_MS)'
        : deadlineMs === LONG_REQUEST_TIMEOUT_MS
          ? ' (LONG_REQUEST_TIMEOUT_MS)'
          : '';
    const time = deadlineMs < 1000 ? `${deadlineMs} ms` : `${Math.round(deadlineMs / 1000)} s`;
    super(`Forge did not answer within ${time}${limit}. Try again.`);
    this.name = 'RequestDeadlineError';
  }
}

/** Every wait on the API has a deadline: a request left unanswered fails with a clear error. */
export const requestDeadlineInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiRequest(request.url)) {
    return next(request);
  }
  const deadlineMs = request.context.get(REQUEST_DEADLINE_MS);
  // Until the response: the stream's first event (Sent) comes at once, so rxjs's timeout({first})
  // would not do. Failing unsubscribes from the request, which cancels it.
  return new Observable<HttpEvent<unknown>>((subscriber) => {
    const timer = setTimeout(
      () => subscriber.error(new RequestDeadlineError(deadlineMs)),
      deadlineMs,
    );
    const upstream = next(request).subscribe({
      next: (event) => {
        if (event.type === HttpEventType.Response) {
          clearTimeout(timer);
        }
        subscriber.next(event);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
    return () => {
      clearTimeout(timer);
      upstream.unsubscribe();
    };
  });
};
