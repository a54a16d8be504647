// Benchmark of the process sandbox provider: time from files written to every module of the
// page answering (first and later projects, warm template, without and with the pool of dev
// servers), and the memory of one idle preview (its process tree).
// Run: node bench/sandbox-process.mjs   (prints figures, and a JSON line at the end)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['tsc', '-b', 'libs/sandbox'], { cwd: root, stdio: 'inherit' });

const require = createRequire(import.meta.url);
const { runProcessBench } = require(join(root, 'libs/sandbox/dist/bench/process-bench.js'));
const result = await runProcessBench();
console.log(JSON.stringify({ bench: 'sandbox-process', ...result }));
