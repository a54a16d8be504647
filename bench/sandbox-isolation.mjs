// Benchmark of the process sandbox's isolation (bubblewrap): files → preview time and one idle
// preview's memory with isolation off and on, side by side, in one run.
// Run: node bench/sandbox-isolation.mjs   (prints a table, and a JSON line at the end)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['tsc', '-b', 'libs/sandbox'], { cwd: root, stdio: 'inherit' });

const require = createRequire(import.meta.url);
const { runIsolationBench } = require(join(root, 'libs/sandbox/dist/bench/isolation-bench.js'));
const result = await runIsolationBench();
console.log(JSON.stringify({ bench: 'sandbox-isolation', ...result }));
