import { type Frame, type Page } from 'playwright-core';

/** How often the preview is sampled while it is watched, in ms. */
export const PREVIEW_SAMPLE_MS = 100;

/** What the watch saw go wrong, each with when (ms since the watch began). */
export interface PreviewBlank {
  atMs: number;
  what: string;
}

// Strings: this file is compiled without the DOM's types. Inside the preview's frame, a
// MutationObserver notes every moment #root holds no element (between two samples too), and a
// marker on window tells a page that loaded anew from the one the watch began on.
const INSTALL = `(() => {
  const root = document.querySelector('#root');
  window.__forgeBlanks = [];
  window.__forgeWatched = true;
  if (!root) return false;
  const started = performance.now();
  const note = () => {
    if (root.childElementCount === 0) window.__forgeBlanks.push(Math.round(performance.now() - started));
  };
  new MutationObserver(note).observe(root, { childList: true, subtree: true });
  note();
  return true;
})()`;
const SAMPLE = `(() => ({
  watched: window.__forgeWatched === true,
  blanks: window.__forgeBlanks || [],
  text: document.querySelector('#root') ? document.querySelector('#root').innerText : null,
}))()`;

interface Sample {
  watched: boolean;
  blanks: number[];
  text: string | null;
}

/**
 * Watches the preview iframe while something happens (a follow-up): every PREVIEW_SAMPLE_MS
 * it checks that the page is the same load and that the app's root shows `appText`; the observer
 * inside adds the moments #root was empty between samples. The one change allowed: a fresh
 * frame, loaded unseen behind, takes the shown one's place — it must show the app at once (the
 * watch then follows it). stop() returns every blank seen (none: the preview never blanked).
 */
export class PreviewWatch {
  private readonly blanks: PreviewBlank[] = [];
  private readonly began = Date.now();
  private running = true;
  private readonly loop: Promise<void>;

  /** Fresh frames that took the shown one's place while watched. */
  swaps = 0;

  private constructor(
    private readonly page: Page,
    private readonly selector: string,
    private frame: Frame,
    private readonly appText: string,
  ) {
    this.loop = this.sample();
  }

  /** Starts watching the frame `selector` (it must show `appText` now). */
  static async start(page: Page, selector: string, appText: string): Promise<PreviewWatch> {
    const frame = await shownFrame(page, selector);
    if (!(await frame.evaluate(INSTALL))) {
      throw new Error('the preview has no #root');
    }
    return new PreviewWatch(page, selector, frame, appText);
  }

  async stop(): Promise<PreviewBlank[]> {
    this.running = false;
    await this.loop;
    await this.collectInside();
    return this.blanks.sort((a, b) => a.atMs - b.atMs);
  }

  private async collectInside(): Promise<void> {
    const inside = await this.read();
    for (const atMs of inside?.blanks ?? []) {
      this.blanks.push({ atMs, what: '#root emptied' });
    }
  }

  /** The shown frame was swapped for a fresh one: that one must show the app already. */
  private async follow(at: number): Promise<boolean> {
    const frame = await shownFrame(this.page, this.selector).catch(() => null);
    if (!frame || frame === this.frame || frame.isDetached()) {
      this.blanks.push({ atMs: at, what: 'the preview iframe was removed' });
      return false;
    }
    this.frame = frame;
    this.swaps += 1;
    const text = (await this.read())?.text ?? null;
    if (!text?.includes(this.appText)) {
      this.blanks.push({ atMs: at, what: `the fresh frame showed ${JSON.stringify(text)}` });
    }
    await frame.evaluate(INSTALL).catch(() => false);
    return true;
  }

  private async sample(): Promise<void> {
    while (this.running) {
      const at = Date.now() - this.began;
      // A frame whose iframe was replaced or removed is detached.
      if (this.frame.isDetached() && !(await this.follow(at))) {
        return;
      }
      const sample = await this.read();
      if (!sample && this.frame.isDetached()) {
        // Swapped for a fresh frame while it was read: the next turn follows it.
        continue;
      }
      if (!sample) {
        this.blanks.push({ atMs: at, what: 'the preview frame did not answer (navigating)' });
      } else if (!sample.watched) {
        this.blanks.push({ atMs: at, what: 'the preview page loaded anew' });
        return;
      } else if (!sample.text?.includes(this.appText)) {
        this.blanks.push({ atMs: at, what: `#root showed ${JSON.stringify(sample.text)}` });
      }
      await new Promise((resolve) => setTimeout(resolve, PREVIEW_SAMPLE_MS));
    }
  }

  private async read(): Promise<Sample | null> {
    if (this.frame.isDetached()) {
      return null;
    }
    try {
      return (await this.frame.evaluate(SAMPLE)) as Sample;
    } catch {
      return null;
    }
  }
}

async function shownFrame(page: Page, selector: string): Promise<Frame> {
  const element = await page.waitForSelector(selector, { timeout: 5_000 });
  const frame = await element.contentFrame();
  if (!frame) {
    throw new Error(`${selector} has no frame`);
  }
  return frame;
}
