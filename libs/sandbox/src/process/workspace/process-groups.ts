/**
 * The process groups this process started (dev servers, installs), so that none outlives it:
 * on exit, and on SIGINT/SIGTERM/SIGHUP, every group still tracked is killed. A parent killed
 * with SIGKILL runs nothing; its dev servers then stop themselves (see parentWatchImport).
 */
const groups = new Set<number>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Sends a signal to a process group; false when it is gone already. */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function trackProcessGroup(pid: number): void {
  groups.add(pid);
  installHandlers();
}

export function untrackProcessGroup(pid: number): void {
  groups.delete(pid);
}

/** The groups still tracked (for tests and shutdown checks). */
export function trackedProcessGroups(): number[] {
  return [...groups];
}

function killAll(): void {
  for (const pid of groups) {
    killProcessGroup(pid, 'SIGKILL');
  }
  groups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // Alone on this signal, the listener would swallow it: end the process as the default would.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function installHandlers(): void {
  if (installed) {
    return;
  }
  installed = true;
  process.on('exit', killAll);
  for (const signal of SIGNALS) {
    process.on(signal, onSignal);
  }
}

/**
 * A `--import` argument for node that makes a child end its own process group once its parent
 * is gone (the parent was SIGKILLed, so nothing ran in it): the child polls its parent pid,
 * which changes when it is re-parented, every PARENT_WATCH_INTERVAL_MS.
 */
export const PARENT_WATCH_INTERVAL_MS = 1000;

export function parentWatchImport(): string {
  const code =
    `const parent = process.ppid;` +
    `setInterval(() => { if (process.ppid !== parent) {` +
    ` try { process.kill(-process.pid, 'SIGKILL'); } catch { process.exit(1); } } },` +
    ` ${PARENT_WATCH_INTERVAL_MS}).unref();`;
  return `--import=data:text/javascript,${encodeURIComponent(code)}`;
}
