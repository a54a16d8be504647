import { type Sandbox } from '@forge/sandbox';

/**
 * Paths whose change the running dev server does not take in place: the dependency graph
 * (package.json, the lockfile) and the configuration Vite, PostCSS and Tailwind read at start.
 * Vite takes any other change live: code hot-reloads, and index.html (read on every request)
 * and a tsconfig (Vite clears its cache of them and reloads the page) need no restart.
 */
export function changesDependencyGraph(path: string): boolean {
  const name = path.split('/').pop() ?? path;
  if (path !== name) {
    return false;
  }
  return (
    name === 'package.json' ||
    name === 'bun.lock' ||
    /^(vite|postcss|tailwind)\.config\.[cm]?[jt]s$/.test(name) ||
    /^(postcss\.config|\.postcssrc)(\.json)?$/.test(name)
  );
}

export interface DevServerReloadOptions {
  signal?: AbortSignal;
}

/**
 * Makes a running dev server serve the project's dependency graph as it is now, by stopping it
 * and starting it again (a new process, on every provider). Needed after an install: Vite does
 * not watch node_modules and its resolver keeps a failed lookup (`Failed to resolve import
 * "react-redux"`) for as long as the server runs, so files written before their packages were
 * installed keep failing. Vite's own in-place restart (on a config change) is not enough: it
 * keeps the Node process, whose module caches still point at a replaced package (tailwindcss 4
 * loaded through postcss.config.js, then replaced by 3: "Cannot find module
 * node_modules/tailwindcss/dist/lib.js"). Open previews reconnect and reload by themselves
 * (Vite's client polls after losing its socket). A server still starting (a pooled one warming
 * up when the project took it) is restarted too, once up: its process began before the install.
 * Returns the new address, or null when no server ran (the next start reads everything afresh).
 */
export async function reloadDevServer(
  sandbox: Sandbox,
  options: DevServerReloadOptions = {},
): Promise<string | null> {
  const status = await sandbox.status();
  if (status === 'starting') {
    // Joins the start under way (every provider answers the one in flight); one that fails is
    // replaced below all the same.
    await sandbox.startDevServer({ signal: options.signal }).catch(() => undefined);
    options.signal?.throwIfAborted();
  } else if (status !== 'running') {
    return null;
  }
  await sandbox.stop();
  return (await sandbox.startDevServer({ signal: options.signal })).url;
}
