// Benchmark of Forge under docker-compose.yml with the docker sandbox provider, from the compose
// end-to-end test (test/deploy/compose.e2e-spec.ts), which it runs up to the restart: the stack's
// `up` → all healthy (first start and after `down`), prompt → generation done, generation done →
// preview rendered in Chromium, and a sleeping sandbox's wake (after `down` / `up`) → preview
// rendered. The images must exist (deploy/build-images.sh --offline, deploy/offline/build.sh);
// `node bench/compose.mjs --build` builds them first.
// Run: node bench/compose.mjs   (prints figures, and a JSON line at the end)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const timingsFile = join(root, 'test-results', 'compose-e2e-timings.json');
rmSync(timingsFile, { force: true });

const run = spawnSync(
  'npx',
  ['jest', 'test/deploy/compose.e2e-spec.ts', '-t', 'previews a generated|wakes'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      FORGE_E2E_SKIP_BUILD: process.argv.includes('--build') ? '0' : '1',
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
    },
  },
);
let timings;
try {
  timings = JSON.parse(readFileSync(timingsFile, 'utf8'));
} catch {
  console.error(`compose bench: no timings in ${timingsFile} (the run failed before any)`);
  process.exit(1);
}
for (const [name, value] of Object.entries(timings)) {
  console.log(`${name.padEnd(48)} ${typeof value === 'number' ? value.toFixed(1) : value}`);
}
console.log(JSON.stringify({ bench: 'compose', ok: run.status === 0, ...timings }));
process.exit(run.status ?? 1);
