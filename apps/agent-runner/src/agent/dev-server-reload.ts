import { setTimeout as sleep } from 'node:timers/promises';
import { type Sandbox } from '@forge/sandbox';

/**
 * Vite's own config file names, in the order Vite looks for them. Rewriting the one the app
 * has is how any sandbox provider makes a running Vite restart itself: Vite watches its config
 * file and restarts in place (same port, new plugins and resolver, dependencies optimised
 * again), and every open page reloads once the server is back.
 */
export const VITE_CONFIG_FILES = [
  'vite.config.js',
  'vite.config.mjs',
  'vite.config.ts',
  'vite.config.cjs',
  'vite.config.mts',
  'vite.config.cts',
] as const;

/** How often the dev server's log is read while waiting for its restart, in ms. */
const RESTART_POLL_MS = 50;
/** What Vite prints once an in-place restart is done. */
const RESTARTED = /server restarted/i;

/**
 * Paths whose change Vite does not take in place: the dependency graph (package.json, the
 * lockfile), the build's configuration (Vite, PostCSS, Tailwind, TypeScript) and the page.
 * A change to any other file is a code change that hot-reloads.
 */
export function changesDependencyGraph(path: string): boolean {
  const name = path.split('/').pop() ?? path;
  if (path !== name) return false;
  return (
    name === 'package.json' ||
    name === 'bun.lock' ||
    name === 'index.html' ||
    /^(vite|postcss|tailwind)\.config\.[cm]?[jt]s$/.test(name) ||
    /^(postcss\.config|\.postcssrc)(\.json)?$/.test(name) ||
    /^tsconfig(\.[\w-]+)?\.json$/.test(name)
  );
}

export interface DevServerReloadOptions {
  /** Longest wait for the restart to be done (AGENT_DEV_SERVER_RELOAD_TIMEOUT_MS). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Makes a running dev server serve the project's dependency graph as it is now. Needed after
 * an install: Vite does not watch node_modules, and its resolver keeps a failed lookup
 * (`Failed to resolve import "react-redux"`) for as long as the server runs, so files written
 * before their packages were installed keep failing. Vite is made to restart itself by
 * rewriting its config file unchanged; an app without one has its dev server stopped and
 * started. Returns a line for the log, or null when no server ran (the next start reads
 * everything afresh).
 */
export async function reloadDevServer(
  sandbox: Sandbox,
  options: DevServerReloadOptions,
): Promise<string | null> {
  if ((await sandbox.status()) !== 'running') return null;
  let config: { path: string; content: string } | null = null;
  for (const path of VITE_CONFIG_FILES) {
    const content = await sandbox.readFile(path);
    if (content !== null) {
      config = { path, content };
      break;
    }
  }
  if (!config) {
    await sandbox.stop();
    await sandbox.startDevServer({ signal: options.signal });
    return 'The dev server was restarted to load the installed packages.';
  }
  const since = sandbox.logs().at(-1)?.seq ?? 0;
  await sandbox.writeFiles([config]);
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    if (sandbox.logs(since).some((line) => line.stream === 'dev' && RESTARTED.test(line.text))) {
      return 'The dev server restarted to load the installed packages and configuration.';
    }
    await sleep(RESTART_POLL_MS);
  }
  return (
    `The dev server was asked to restart (${config.path} rewritten) but did not say it had ` +
    `within ${options.timeoutMs} ms (AGENT_DEV_SERVER_RELOAD_TIMEOUT_MS).`
  );
}
