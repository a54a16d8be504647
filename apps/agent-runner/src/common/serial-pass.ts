import { type Logger } from '@nestjs/common';

/**
 * Background work done in passes, one at a time: `run()` starts a pass after the one running
 * (if any) and answers its result; a pass that fails is logged and answers `fallback`.
 * `every(ms)` also runs passes on a timer that keeps no process alive, skipping a tick while a
 * pass runs, so slow passes never pile up; `stop()` ends the timer and waits for the pass.
 */
export class SerialPass<T> {
  private running?: Promise<T>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly work: () => Promise<T>,
    private readonly fallback: T,
    private readonly logger: Logger,
    /** What a pass does, for the log line of a failure ("reaping sandboxes"). */
    private readonly what: string,
  ) {}

  run(): Promise<T> {
    const pass: Promise<T> = (this.running ?? Promise.resolve())
      .then(() => this.work())
      .catch((error: unknown) => {
        this.logger.warn(`${this.what} failed: ${(error as Error).message}`);
        return this.fallback;
      })
      .finally(() => {
        if (this.running === pass) {
          this.running = undefined;
        }
      });
    this.running = pass;
    return pass;
  }

  every(intervalMs: number): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void (this.running ?? this.run()), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
