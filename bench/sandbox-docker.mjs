// Benchmark of the docker sandbox provider: time from files written to every module of the
// page answering (first and second project), and the idle memory of one preview container.
// Starts dockerd and builds the sandbox image first when needed (libs/sandbox/image/).
// Run: node bench/sandbox-docker.mjs   (prints figures, and a JSON line at the end)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const image = join(root, 'libs/sandbox/image');
for (const script of ['ensure-dockerd.sh', 'build-offline.sh']) {
  execFileSync('bash', [join(image, script)], { stdio: 'inherit' });
}
execFileSync('npx', ['tsc', '-b', 'libs/sandbox'], { cwd: root, stdio: 'inherit' });

const require = createRequire(import.meta.url);
const { runDockerBench } = require(join(root, 'libs/sandbox/dist/bench/docker-bench.js'));
const result = await runDockerBench();
console.log(JSON.stringify({ bench: 'sandbox-docker', ...result }));
