import { DOCUMENT, DestroyRef, type Signal, inject, signal } from '@angular/core';

/** The width below which the workspace shows tabs instead of side-by-side panes. */
export const PHONE_LAYOUT_QUERY = '(max-width: 767px)';

/** Whether a media query matches, as a signal that follows it; call in an injection context. */
export function mediaQuerySignal(query: string): Signal<boolean> {
  const list = inject(DOCUMENT).defaultView?.matchMedia?.(query) ?? null;
  const matches = signal(list?.matches ?? false);
  if (list) {
    const onChange = (event: MediaQueryListEvent) => matches.set(event.matches);
    list.addEventListener('change', onChange);
    inject(DestroyRef).onDestroy(() => list.removeEventListener('change', onChange));
  }
  return matches.asReadonly();
}
