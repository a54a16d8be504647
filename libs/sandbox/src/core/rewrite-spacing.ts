/**
 * Shortest time between two replacements of one file in a sandbox, in ms. Files are replaced
 * whole (a rename into place, a tar entry); Vite's watcher folds a file vanishing and coming
 * back within about 100 ms into one change, and a second replacement inside that window was
 * seen to be missed, leaving the dev server serving the older content (an edit saved and
 * rolled back 20 ms later).
 */
export const SAME_FILE_REWRITE_GAP_MS = 250;

/** Holds a write back until each of its files was last replaced long enough ago. */
export class RewriteSpacing {
  private readonly lastWrite = new Map<string, number>();

  constructor(private readonly gapMs = SAME_FILE_REWRITE_GAP_MS) {}

  /** Runs `write` once every path in `paths` may be replaced again, and notes the time. */
  async space<T>(paths: readonly string[], write: () => Promise<T>): Promise<T> {
    const now = Date.now();
    let wait = 0;
    for (const path of paths) {
      const last = this.lastWrite.get(path);
      if (last !== undefined) {
        wait = Math.max(wait, last + this.gapMs - now);
      }
    }
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    try {
      return await write();
    } finally {
      const done = Date.now();
      for (const path of paths) {
        this.lastWrite.set(path, done);
      }
      this.forgetOlderThan(done - this.gapMs);
    }
  }

  /** Keeps the map to the files written within the gap. */
  private forgetOlderThan(time: number): void {
    if (this.lastWrite.size < 256) {
      return;
    }
    for (const [path, at] of this.lastWrite) {
      if (at < time) {
        this.lastWrite.delete(path);
      }
    }
  }
}
