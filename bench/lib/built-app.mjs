// The built API and runner (apps/*/dist) as child processes of a bench, and a session of theirs.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A built app (`script`, from the checkout's root) as a child process, once /api/health answers (within 60 s). */
export async function startBuilt(name, script, port, env) {
  const child = spawn(process.execPath, [join(ROOT, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data) => (stderr = (stderr + data).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${stderr}`);
    const up = await fetch(`${url}/api/health`, {
      signal: globalThis.AbortSignal.timeout(1000),
    }).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start within 60 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    exited,
    kill: (signal) => child.kill(signal),
    /** SIGTERM, then SIGKILL when it has not stopped within 15 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The cookie header a browser sends after `response` (a sign-up's or a sign-in's). */
export function sessionCookie(response) {
  return response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
}
