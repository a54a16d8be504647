/** How far from the end the reader may be and still count as following it, in CSS pixels. */
export const FOLLOW_SLACK_PX = 24;

/** What the editor must do to show `next` when it shows `shown`. */
export type DocUpdate =
  | { readonly kind: 'none' }
  | { readonly kind: 'append'; readonly text: string }
  | { readonly kind: 'replace'; readonly text: string };

/**
 * A streaming file only grows, so most updates append the new tail: the editor then keeps its
 * parse, scroll and selection, and the cost is the new text, not the whole file.
 */
export function docUpdate(shown: string, next: string): DocUpdate {
  if (next === shown) {
    return { kind: 'none' };
  }
  if (next.length > shown.length && next.startsWith(shown)) {
    return { kind: 'append', text: next.slice(shown.length) };
  }
  return { kind: 'replace', text: next };
}

const UPWARD_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);
const DOWNWARD_KEYS = new Set(['ArrowDown', 'PageDown', 'End', ' ']);

/**
 * Which way an input event moves the reader: up leaves the end (a wheel or key upwards, a
 * touch drag, a press on the scrollbar); down may bring them back to it (a wheel or key
 * downwards, the end of a touch or a scrollbar drag). Scroll events alone cannot tell: the
 * editor scrolls itself while the text grows, and the browser smooths a wheel turn into many
 * small scrolls, the first of which may still be at the end.
 */
export function scrollIntent(
  event: { type: string; deltaY?: number; key?: string },
  onScrollbar = false,
): 'up' | 'down' | null {
  switch (event.type) {
    case 'wheel':
      return (event.deltaY ?? 0) < 0 ? 'up' : (event.deltaY ?? 0) > 0 ? 'down' : null;
    case 'keydown':
      return UPWARD_KEYS.has(event.key ?? '')
        ? 'up'
        : DOWNWARD_KEYS.has(event.key ?? '')
          ? 'down'
          : null;
    case 'touchmove':
      return 'up';
    case 'pointerdown':
      return onScrollbar ? 'up' : null;
    case 'touchend':
    case 'pointerup':
      return 'down';
    default:
      return null;
  }
}

/** Whether the view is at the end again (within FOLLOW_SLACK_PX): following resumes there. */
export function isAtEnd(scroll: { top: number; height: number; viewport: number }): boolean {
  return scroll.top + scroll.viewport >= scroll.height - FOLLOW_SLACK_PX;
}
