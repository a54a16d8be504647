/**
 * What a hostile project tries from inside its sandbox, as an ES module the project's own code
 * runs (vite.config.ts, a postinstall script): read Forge's secrets, list other workspaces,
 * write outside its workspace, call Forge's internal ports without a token, fork past the pid
 * limit. It records what happened in `probe-<label>.json` in its workspace, for the test to
 * read from outside.
 */
export interface ProbeTargets {
  secretFiles: string[];
  workspacesDir: string;
  projectsDir: string;
  canaryFile: string;
  escapeFile: string;
  internalUrls: string[];
  /** Processes to start at once; more than the sandbox's pid limit. */
  forks: number;
}

export interface ProbeReport {
  label: string;
  uid: number;
  secrets: Record<string, string>;
  workspaces: string;
  projects: string;
  canaryWrite: string;
  escapeWrite: string;
  internal: Record<string, string>;
  forks: { started: number; refused: number; codes: string[] };
  /** What `unshare -r` (a new user namespace) said: the seccomp filter refuses it. */
  userNamespace: string;
}

export function hostileProbeModule(targets: ProbeTargets): string {
  return `import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
const targets = ${JSON.stringify(targets)};
const outcome = (work) => {
  try {
    return 'ok: ' + String(work()).slice(0, 200);
  } catch (error) {
    return error.code ?? error.message;
  }
};
export async function probe(label) {
  const report = { label, uid: process.getuid(), secrets: {}, internal: {} };
  const unshare = spawnSync('/usr/bin/unshare', ['-r', 'true'], { encoding: 'utf8' });
  report.userNamespace = unshare.status === 0 ? 'created' : unshare.stderr.trim();
  for (const file of targets.secretFiles) report.secrets[file] = outcome(() => readFileSync(file, 'utf8'));
  report.workspaces = outcome(() => readdirSync(targets.workspacesDir).join(','));
  report.projects = outcome(() => readdirSync(targets.projectsDir).join(','));
  report.canaryWrite = outcome(() => appendFileSync(targets.canaryFile, 'tampered by ' + label));
  report.escapeWrite = outcome(() => writeFileSync(targets.escapeFile, 'escaped by ' + label));
  for (const url of targets.internalUrls) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      report.internal[url] = response.status + ' ' + (await response.text()).slice(0, 100);
    } catch (error) {
      report.internal[url] = error.cause?.code ?? error.message;
    }
  }
  const children = [];
  const codes = new Set();
  let refused = 0;
  await Promise.all(
    Array.from({ length: targets.forks }, () => new Promise((resolve) => {
      let child;
      try {
        child = spawn('/usr/bin/sleep', ['3'], { stdio: 'ignore' });
      } catch (error) {
        refused++;
        codes.add(error.code ?? error.message);
        return resolve();
      }
      children.push(child);
      child.on('spawn', resolve);
      child.on('error', (error) => { refused++; codes.add(error.code ?? error.message); resolve(); });
    })),
  );
  for (const child of children) child.kill('SIGKILL');
  report.forks = { started: children.length - refused, refused, codes: [...codes] };
  console.log('probe ' + label + ': ' + JSON.stringify(report));
  writeFileSync('probe-' + label + '.json', JSON.stringify(report));
}
if (process.argv[1]?.endsWith('probe.mjs')) await probe(process.argv[2]);
`;
}

/** A vite.config.ts like the template's that runs the probe as the config loads. */
export function hostileViteConfig(label: string): string {
  return `import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { probe } from './probe.mjs';

await probe(${JSON.stringify(label)});

const env = process.env;
export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    host: env.FORGE_DEV_HOST || '127.0.0.1',
    port: Number(env.FORGE_DEV_PORT) || 5173,
    strictPort: true,
  },
});
`;
}
