// `npm run bench`: builds, then runs every benchmark in bench/ one after another, printing figures.
// `npm run bench -- scof` runs only those whose path contains "scof".
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const build = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

/** bench/*.mjs, and *-bench.mjs in sub-folders (their other files are the benchmarks' helpers). */
function benches(dir, nested = false) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return benches(path, true);
    return name.endsWith(nested ? '-bench.mjs' : '.mjs') ? [path] : [];
  });
}

let failed = 0;
for (const bench of benches('bench').filter((path) => path.includes(filter))) {
  console.log(`\n▶ ${bench}`);
  const result = spawnSync(process.execPath, [bench], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
