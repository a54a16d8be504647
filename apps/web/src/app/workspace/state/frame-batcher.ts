/**
 * A frame's wait: the next animation frame, or this long when none comes (a hidden tab gets
 * no frames, and its queue would otherwise grow for as long as it stays hidden).
 */
export const FRAME_FALLBACK_MS = 250;

/** Runs `task` once, soon; the returned function cancels it. */
export type FrameScheduler = (task: () => void) => () => void;

/** The next animation frame, or FRAME_FALLBACK_MS, whichever comes first. */
export const nextFrame: FrameScheduler = (task) => {
  let done = false;
  const run = () => {
    if (done) {
      return;
    }
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    task();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, FRAME_FALLBACK_MS);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

/**
 * Collects items and hands them over together once per frame: a file streaming in hundreds of
 * chunks a second updates the page once per frame, not once per chunk.
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private cancel: (() => void) | null = null;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: FrameScheduler = nextFrame,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    this.cancel ??= this.schedule(() => this.flushNow());
  }

  /** Hands over what is queued right away (e.g. before acting on the state). */
  flushNow(): void {
    this.cancel?.();
    this.cancel = null;
    if (this.queue.length === 0) {
      return;
    }
    const items = this.queue;
    this.queue = [];
    this.flush(items);
  }

  /** Drops what is queued; nothing is handed over after this. */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.queue = [];
  }
}
