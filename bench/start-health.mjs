// How long `npm start` takes, on an installed and built checkout, until the API and the runner
// answer health: once on a fresh data folder (initdb included) and once finding its data again.
// Runs on its own ports and data folder so it does not disturb a running Forge.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ports = {
  WEB_PORT: '3100',
  API_PORT: '3101',
  RUNNER_PORT: '3102',
  EMBEDDED_PG_PORT: '54399',
};
const dataDir = mkdtempSync(join(tmpdir(), 'forge-bench-start-'));
// PostgreSQL runs as its own user when we are root: it must be able to reach its folder.
chmodSync(dataDir, 0o755);

async function answers(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

async function timeOneStart(label) {
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, ...ports, FORGE_DATA_DIR: dataDir, DATABASE_URL: '' },
    stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore',
  });
  const pending = {
    api: `http://127.0.0.1:${ports.API_PORT}/api/health/ready`,
    runner: `http://127.0.0.1:${ports.RUNNER_PORT}/api/health/ready`,
  };
  const times = {};
  while (Object.keys(times).length < 2 && performance.now() - started < 120_000) {
    for (const [name, url] of Object.entries(pending)) {
      if (!times[name] && (await answers(url))) times[name] = performance.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  const format = (ms) =>
    ms === undefined ? 'no answer within 120 s' : `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${label.padEnd(28)} api ready ${format(times.api)}   runner ready ${format(times.runner)}`,
  );
}

try {
  console.log('npm start → health (installed, built checkout; embedded PostgreSQL)');
  await timeOneStart('fresh data folder (initdb)');
  await timeOneStart('existing data folder');
  await timeOneStart('existing data folder, again');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
