// The live link under load: N concurrent generations through one API and one runner, the
// scripted LLM streaming each at a fixed pace. Prints, per N: latency from the LLM chunk to
// the browser socket (p50, p99, max), events per second delivered, lost/repeated events, and
// the memory and CPU of the API and the runner.
//
//   node bench/live-link/live-link-bench.mjs [--levels 10,100,500] [--chunks-per-second 50]
//                                            [--chunk-size 16] [--link-sample 0.1]
//
// Needs a built checkout (npx tsc -b tsconfig.build.json). PostgreSQL: DATABASE_URL, else an
// embedded one. Everything runs on this machine, the browsers in this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../scripts/lib/postgres.mjs';
import { idleRoundTrips } from './calibrate.mjs';
import { inBatches, now, openRunnerLink, openTab, rest, startLlm } from './clients.mjs';
import { chunkLatencies, integrity, percentile, timeline } from './measure.mjs';
import { cpuSeconds, requireBuilt, rssMiB, startApp, startDatabase } from './stack.mjs';
import { sessionCookie } from '../lib/built-app.mjs';

const { values: options } = parseArgs({
  options: {
    levels: { type: 'string', default: '10,100,500' },
    'chunks-per-second': { type: 'string', default: '50' },
    'chunk-size': { type: 'string', default: '16' },
    'link-sample': { type: 'string', default: '0.1' },
    'ramp-ms': { type: 'string', default: '0' },
    timeline: { type: 'boolean', default: false },
  },
});
const LEVELS = options.levels.split(',').map(Number);
const CHUNKS_PER_SECOND = Number(options['chunks-per-second']);
const CHUNK_SIZE = Number(options['chunk-size']);
const RAMP_MS = Number(options['ramp-ms']);
/**
 * The share of projects the bench's own runner link watches (at least 10): enough for the
 * runner's share, without doubling the runner's writes as a second API watching all would.
 */
const LINK_SAMPLE = Number(options['link-sample']);
const LINK_SAMPLE_MIN = 10;
const TOKEN = 'bench-runner-service-token-0123456789abcdef';
const SAMPLE_MS = 250;
/** --timeline counts the chunks slower than this each second (the target at 100). */
const SLOW_MS = 2;

async function runLevel({ n, api, cookie, llm, link, pids, workDir }) {
  await llm.reset();
  link.arrivals.clear();
  const projects = await inBatches([...Array(n).keys()], 25, async (i) => {
    const response = await rest(api, '/api/projects', cookie, { name: `Bench ${n}-${i}` });
    return (await response.json()).id;
  });
  const received = new Map();
  const tabs = await inBatches(projects, 50, (projectId) =>
    openTab(api, cookie, projectId, received),
  );
  const sampled = Math.min(n, Math.max(LINK_SAMPLE_MIN, Math.ceil(n * LINK_SAMPLE)));
  const watched = await link.watch(projects.slice(0, sampled));
  if (!watched.ok) throw new Error(`watching over the runner link: ${watched.error.message}`);

  const peaks = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)]));
  const sampler = setInterval(() => {
    for (const [name, pid] of Object.entries(pids))
      peaks[name] = Math.max(peaks[name], rssMiB(pid));
  }, SAMPLE_MS);
  const cpuBefore = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]),
  );
  const started = now();
  // With --ramp-ms the starts are spread evenly over that time (users do not all press Enter in
  // the same millisecond); 0 starts every generation at once, which also lines up every
  // phase change of all of them.
  const acks = await Promise.all(
    tabs.map(async (tab, i) => {
      if (RAMP_MS > 0) await new Promise((resolve) => setTimeout(resolve, (i * RAMP_MS) / n));
      return tab.socket.emitWithAck('generate', {
        projectId: tab.projectId,
        description: `A todo list where I can tick things off (bench ${tab.projectId})`,
      });
    }),
  );
  const refused = acks.filter((ack) => !ack.ok);
  if (refused.length)
    throw new Error(`${refused.length} generations refused: ${refused[0].error.message}`);

  const deadline = started + 180_000;
  const done = () =>
    tabs.every((tab) => tab.events.some(({ event }) => event.type === 'generation_complete'));
  while (!done() && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const ended = now();
  clearInterval(sampler);
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      (cpuSeconds(pid) - cpuBefore[name]) / ((ended - started) / 1000),
    ]),
  );
  for (const tab of tabs) tab.socket.close();

  const answers = await llm.answers(join(workDir, `answers-${n}.json`));
  const { latencies, points, unattributed } = chunkLatencies(received, answers);
  const { latencies: atRunnerLink } = chunkLatencies(received, answers, (event) =>
    link.arrivals.get(`${event.projectId}:${event.seq}`),
  );
  const checks = integrity(
    received,
    new Map(tabs.map((tab) => [tab.projectId, tab.snapshotSeq()])),
  );
  const all = [...received.values()].flat();
  const relay = all
    .map(({ event, at }) => at - (link.arrivals.get(`${event.projectId}:${event.seq}`) ?? NaN))
    .filter((ms) => !Number.isNaN(ms))
    .sort((a, b) => a - b);
  const first = all.reduce((min, { at }) => Math.min(min, at), Infinity);
  const last = all.reduce((max, { at }) => Math.max(max, at), -Infinity);
  return {
    n,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
    samples: latencies.length,
    runnerP50: percentile(atRunnerLink, 50),
    runnerP99: percentile(atRunnerLink, 99),
    relayP50: percentile(relay, 50),
    relayP99: percentile(relay, 99),
    load: loadavg()[0],
    unattributed,
    eventsPerSecond: all.length / ((last - first) / 1000),
    seconds: (ended - started) / 1000,
    ...checks,
    peaks,
    cpu,
    timeline: options.timeline ? timeline(points, started, SLOW_MS) : undefined,
  };
}

function print(result) {
  const ms = (value) => `${value.toFixed(2)} ms`;
  console.log(
    [
      `${String(result.n).padStart(4)} generations`,
      `chunk→browser p50 ${ms(result.p50)}  p99 ${ms(result.p99)}  max ${ms(result.max)}  (${result.samples} chunks, ${result.unattributed} unmatched)`,
      `chunk→runner link (runner's share) p50 ${ms(result.runnerP50)}  p99 ${ms(result.runnerP99)}`,
      `API's extra over a direct runner link p50 ${ms(result.relayP50)}  p99 ${ms(result.relayP99)}`,
      `${Math.round(result.eventsPerSecond)} events/s over ${result.seconds.toFixed(1)} s; load average ${result.load.toFixed(1)}`,
      `lost ${result.lost}  repeated ${result.repeated}  bad files ${result.badFiles}  unfinished ${result.unfinished}`,
      `peak RSS api ${result.peaks.api.toFixed(0)} MiB  runner ${result.peaks.runner.toFixed(0)} MiB`,
      `CPU api ${(result.cpu.api * 100).toFixed(0)}%  runner ${(result.cpu.runner * 100).toFixed(0)}%  llm ${(result.cpu.llm * 100).toFixed(0)}%`,
    ].join('\n     '),
  );
  for (const second of result.timeline ?? [])
    console.log(
      `       second ${String(second.second).padStart(3)}: ${String(second.count).padStart(5)} chunks  p50 ${second.p50.toFixed(2)}  p99 ${second.p99.toFixed(2)} ms  over ${SLOW_MS} ms ${second.slow}`,
    );
}

requireBuilt();
const workDir = mkdtempSync(join(tmpdir(), 'forge-bench-link-'));
const stops = [];
try {
  const db = await startDatabase();
  stops.push(() => db.stop());
  const llm = startLlm(CHUNK_SIZE, CHUNKS_PER_SECOND);
  stops.push(() => llm.stop());
  const { url: llmUrl } = await llm.ready;
  const [runnerPort, apiPort] = [await freePort(), await freePort()];
  const runner = await startApp('runner', 'apps/agent-runner/dist/main.js', runnerPort, {
    NODE_ENV: 'production',
    RUNNER_PORT: String(runnerPort),
    RUNNER_ID: 'bench-runner',
    DATABASE_URL: db.url,
    APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
    RUNNER_SERVICE_TOKEN: TOKEN,
    LLM_BASE_URL: llmUrl,
    LLM_API_KEY: 'bench',
    LLM_MODEL_DESIGN: 'forge-demo',
    LLM_MODEL_CODE: 'forge-demo',
    SANDBOX_PROVIDER: 'none',
  });
  stops.unshift(() => runner.stop());
  const api = await startApp('api', 'apps/api/dist/main.js', apiPort, {
    NODE_ENV: 'production',
    API_PORT: String(apiPort),
    DATABASE_URL: db.url,
    APPS_DATABASE_KEY: 'bench-apps-database-key-0123456789abcdef',
    AUTH_SECRET: 'bench-secret-that-is-long-enough-0123456789',
    RUNNER_URLS: runner.url,
    RUNNER_SERVICE_TOKEN: TOKEN,
    GENERATE_RATE_LIMIT_MAX: '1000000',
    SOCKET_PROJECTS_MAX: '1',
  });
  stops.unshift(() => api.stop());
  const signUp = await rest(api.url, '/api/auth/sign-up/email', undefined, {
    email: 'bench@example.com',
    password: 'correct horse battery',
    name: 'Bench',
  });
  const cookie = sessionCookie(signUp);
  // The link comes up a moment after the API answers health.
  await new Promise((resolve) => setTimeout(resolve, 500));

  const link = await openRunnerLink(runner.url, TOKEN);
  stops.unshift(() => link.close());

  console.log(
    `live link: one API, one runner, scripted LLM at ${CHUNKS_PER_SECOND} chunks/s of ${CHUNK_SIZE} characters per generation${RAMP_MS ? `, starts spread over ${RAMP_MS} ms` : ', all started at once'}`,
  );
  const idle = await idleRoundTrips(1000 / CHUNKS_PER_SECOND);
  console.log(
    `this machine: TCP round trip between two idle Node processes, one message per ${1000 / CHUNKS_PER_SECOND} ms: p50 ${idle.p50.toFixed(2)} ms  p99 ${idle.p99.toFixed(2)} ms; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`,
  );
  const pids = { api: api.pid, runner: runner.pid, llm: llm.child.pid };
  for (const n of LEVELS)
    print(await runLevel({ n, api: api.url, cookie, llm, link, pids, workDir }));
} finally {
  for (const stop of stops)
    await Promise.resolve()
      .then(stop)
      .catch((error) => console.error(String(error)));
  rmSync(workDir, { recursive: true, force: true });
}
