import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The page size a thumbnail pictures, as a laptop shows the preview. */
export const THUMBNAIL_PAGE = { width: 1280, height: 800 } as const;

/**
 * The flags the house runs Chromium with (no GPU, no background traffic, no first-run UI). Its
 * own sandbox stays on, but for root, whom Chromium refuses to sandbox: a runner run as root
 * pictures previews without it (the README's trust model says so).
 */
const CHROMIUM_ARGS = [
  '--headless',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PreviewCameraOptions {
  chromiumPath: string;
  timeoutMs: number;
  settleMs: number;
  width: number;
  /** The browser is closed after this long without a picture to take. */
  idleCloseMs?: number;
}

export class ThumbnailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThumbnailError';
  }
}

/**
 * Pictures a running app at 1280×800, scaled down to `width` pixels (the page is rendered at a
 * device scale below 1, so no image library is needed). One Chromium, started on the first
 * picture and closed when idle. The page may fetch from the app's own origin only: the preview
 * runs code nobody reviewed, and the runner's network is not for it.
 */
export class PreviewCamera {
  private browser: Promise<Browser> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private busy = 0;

  constructor(private readonly options: PreviewCameraOptions) {}

  /** False when no Chromium is configured or the configured one is not there. */
  static available(chromiumPath: string): boolean {
    return chromiumPath !== 'off' && existsSync(chromiumPath);
  }

  async picture(url: string): Promise<Buffer> {
    const { timeoutMs, settleMs, width } = this.options;
    const origin = new URL(url).origin;
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    this.busy += 1;
    this.clearIdle();
    try {
      const browser = await withDeadline(this.launch(), left(), 'starting Chromium');
      const context = await browser.newContext({
        viewport: THUMBNAIL_PAGE,
        deviceScaleFactor: width / THUMBNAIL_PAGE.width,
        serviceWorkers: 'block',
      });
      try {
        await context.route('**/*', (route) => {
          const target = route.request().url();
          const allowed = target.startsWith('data:') || target.startsWith('blob:');
          return allowed || new URL(target).origin === origin ? route.continue() : route.abort();
        });
        // Vite's hot-reload socket is the app's own; a socket elsewhere is closed.
        const host = new URL(url).host;
        await context.routeWebSocket(/.*/, (socket) => {
          if (new URL(socket.url()).host === host) {
            socket.connectToServer();
          } else {
            void socket.close();
          }
        });
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load', timeout: left() });
        if (settleMs > 0) {
          await page.waitForTimeout(Math.min(settleMs, left()));
        }
        return await page.screenshot({ type: 'png', timeout: left() });
      } finally {
        await context.close().catch(() => undefined);
      }
    } catch (error) {
      throw new ThumbnailError(
        `could not picture ${url} within ${timeoutMs} ms (THUMBNAIL_TIMEOUT_MS): ${(error as Error).message}`,
      );
    } finally {
      this.busy -= 1;
      this.scheduleIdleClose();
    }
  }

  async close(): Promise<void> {
    this.clearIdle();
    const browser = this.browser;
    this.browser = null;
    await browser?.then((b) => b.close()).catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      const launching = chromium.launch({
        executablePath: this.options.chromiumPath,
        args: CHROMIUM_ARGS,
        headless: true,
        timeout: this.options.timeoutMs,
      });
      this.browser = launching;
      launching.then(
        (browser) =>
          browser.on('disconnected', () => {
            if (this.browser === launching) {
              this.browser = null;
            }
          }),
        () => {
          if (this.browser === launching) {
            this.browser = null;
          }
        },
      );
    }
    return this.browser;
  }

  private scheduleIdleClose(): void {
    if (this.busy > 0) {
      return;
    }
    this.clearIdle();
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleCloseMs ?? 60_000);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
    }
    this.idleTimer = null;
  }
}

async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
