// Benchmark of real apps (test/real-apps/corpus.ts) generated with an instant replay model in a
// process sandbox: per app and as a median, last file written → preview rendered in Chromium,
// and → Ready (checks done). Runs test/real-apps/real-apps.bench.ts with jest, which compiles
// the TypeScript helpers it shares with the end-to-end spec. Needs PostgreSQL (DATABASE_URL)
// and the npm registry on a first run (the corpus is cached in .data/real-apps-cache).
// Run: node bench/real-apps/real-apps-bench.mjs
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const result = spawnSync(
  'npx',
  [
    'jest',
    '--testMatch',
    '**/test/real-apps/real-apps.bench.ts',
    '--testPathIgnorePatterns',
    '/node_modules/',
    '--verbose=false',
    '--',
    'test/real-apps/real-apps.bench.ts',
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
    },
  },
);
process.exit(result.status ?? 1);
