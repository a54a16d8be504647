// The SCOF parser benchmark: `npx tsc -b libs/scof && node bench/scof/parser-bench.mjs`.
// The bench itself is TypeScript compiled with the lib (libs/scof/src/bench/parser-bench.ts);
// this file feeds it the answers of the test corpus and prints the figures. Each chunk size runs
// in a fresh Node process: the JIT tuned by one chunking would otherwise skew the next one, while
// a real runner sees the chunking of one LLM provider.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..', '..');
const compiled = join(root, 'libs/scof/dist/bench/parser-bench.js');
if (!existsSync(compiled)) {
  console.error(`${compiled} is missing: build the lib first with \`npx tsc -b libs/scof\``);
  process.exit(1);
}
const CHUNK_SIZES = [1, 16, 256];
const MIXES = [
  ['realistic: the corpus answers of 1 000 characters or more', 1000],
  ['worst case: every well-formed corpus answer, most of them one-line files', 0],
];

if (process.argv[2] === '--one') {
  // A child: one mix, one chunk size; prints its report as JSON.
  const { runParserBench } = createRequire(import.meta.url)(compiled);
  const corpusDir = join(root, 'libs/scof/src/testing/corpus');
  const samples = readdirSync(corpusDir)
    .filter((file) => file.endsWith('.scof'))
    .sort()
    .map((file) => readFileSync(join(corpusDir, file), 'utf8'));
  const [minSampleChars, chunkSize] = process.argv.slice(3).map(Number);
  const report = runParserBench(samples, { minSampleChars, chunkSizes: [chunkSize] });
  process.stdout.write(JSON.stringify(report));
} else {
  console.log(
    `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(2)} ` +
      '(wall-clock figures drop when the machine is busy; the CPU-time ones much less)',
  );
  for (const [label, minSampleChars] of MIXES) {
    const reports = CHUNK_SIZES.map((size) =>
      JSON.parse(
        execFileSync(process.execPath, [self, '--one', minSampleChars, size], { encoding: 'utf8' }),
      ),
    );
    const first = reports[0];
    console.log(
      `\nSCOF parser, ${label}\n${(first.answerChars / 1e6).toFixed(2)} M characters, ` +
        `${first.files} files, from ${first.samplesUsed} answers; ${first.runs} runs after 1 s of warm-up`,
    );
    console.log(
      'chunk size    pushes  MB/s (median)  MB/s (best)  MB/s (CPU time)  µs/push (median)',
    );
    for (const r of reports.map((report) => report.results[0])) {
      console.log(
        [
          String(r.chunkSize).padStart(10),
          String(r.pushes).padStart(9),
          r.megabytesPerSecond.toFixed(0).padStart(14),
          r.bestMegabytesPerSecond.toFixed(0).padStart(12),
          r.cpuMegabytesPerSecond.toFixed(0).padStart(16),
          r.microsecondsPerPush.toFixed(3).padStart(17),
        ].join(' '),
      );
    }
  }
}
