import { DOCUMENT, Directive, ElementRef, afterNextRender, inject, input } from '@angular/core';

/** Touch screens: a keyboard popping up over the page on arrival hides what the page says. */
const TOUCH_QUERY = '(pointer: coarse)';

/**
 * Focuses its element once it is rendered, where the user types next (the HTML `autofocus`
 * attribute acts once per document, not on each page of a single-page app). Skipped on touch
 * screens, and when something else already took the focus (a dialog, a field the user chose).
 */
@Directive({ selector: '[forgeAutofocus]' })
export class AutofocusDirective {
  /** False leaves the focus alone (e.g. while the element is disabled). */
  readonly forgeAutofocus = input<boolean | ''>(true);

  constructor() {
    const element: HTMLElement = inject(ElementRef).nativeElement;
    const document = inject(DOCUMENT);
    afterNextRender(() => {
      const touch = document.defaultView?.matchMedia?.(TOUCH_QUERY).matches ?? false;
      const active = document.activeElement;
      const free = !active || active === document.body;
      if (this.forgeAutofocus() !== false && !touch && free) {
        element.focus();
      }
    });
  }
}
