// What Forge does when its dependencies fail in the middle of a generation: for each fault, a
// new project starts generating the demo todo app, the fault is injected, and the bench prints
// how long the project stayed busy (from `generate` to the first state that is not busy) and how
// it ended (state and error code). It measures; it does not judge.
//
//   node bench/faults/faults-bench.mjs [--only pg-restart,llm-429] [--deadline-seconds 90]
//
// Scenarios: PostgreSQL stopped for 8 s and started again; the runner stopped with SIGTERM and
// with SIGKILL, a new one started on its port; the LLM answering 429 with Retry-After: 8 once;
// the LLM stalling mid-stream on every call; the LLM ending every stream without finish_reason.
// A project still busy at the deadline is reported as such and cancelled. Everything listens on
// 127.0.0.1; PostgreSQL is an embedded one of the bench's own. Needs a built checkout.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { rest } from '../live-link/clients.mjs';
import { RUNNER_SETTINGS, startFaultStack } from './fault-stack.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../../', import.meta.url).pathname;
const { isBusyState } = require(join(ROOT, 'libs/protocol/dist/index.js'));

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    'deadline-seconds': { type: 'string', default: '90' },
  },
});
const DEADLINE_MS = Number(args['deadline-seconds']) * 1000;
/** Longest wait for the first file of a generation (where most faults are injected). */
const FIRST_FILE_DEADLINE_MS = 30_000;
const CANCEL_DEADLINE_MS = 15_000;
const PG_DOWN_MS = 8_000;

const started = Date.now();
const log = (message) =>
  console.log(`  [${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The demo's reply cut after a few chunks: stalled for good, or closed without finish_reason. */
const stalled = (text) => ({ fault: 'stall', text, afterChunks: 5 });
const unfinished = (text) => ({ fault: 'stall', text, afterChunks: 5, ms: 0, then: 'close' });

const SCENARIOS = [
  {
    name: 'pg-restart',
    what: `PostgreSQL down ${PG_DOWN_MS / 1000} s mid-phase`,
    async inject(stack) {
      await stack.db.stop();
      await sleep(PG_DOWN_MS);
      await stack.db.start();
    },
  },
  {
    name: 'runner-sigterm',
    what: 'runner SIGTERM mid-phase, new runner on its port',
    inject: (stack) => stack.restartRunner('SIGTERM'),
  },
  {
    name: 'runner-sigkill',
    what: 'runner SIGKILL mid-phase, new runner on its port',
    inject: (stack) => stack.restartRunner('SIGKILL'),
  },
  {
    name: 'llm-429',
    what: 'LLM 429 with Retry-After: 8 on the first call',
    armAtStart: (text, faulted) =>
      faulted === 0 ? { fault: 'http', status: 429, retryAfterSeconds: 8 } : null,
  },
  {
    name: 'llm-stall',
    what: 'LLM stalls mid-stream on every call',
    armAtStart: (text) => stalled(text),
  },
  {
    name: 'llm-no-finish',
    what: 'LLM streams end without finish_reason on every call',
    armAtStart: (text) => unfinished(text),
  },
];

/** A browser tab on the project: its state from snapshots and events, its fatal errors. */
function openTab(stack, projectId) {
  const tab = { state: null, error: null, sawBusy: false, endedAt: null, socket: null };
  const see = (state) => {
    tab.state = state;
    if (isBusyState(state)) tab.sawBusy = true;
    else if (tab.sawBusy && tab.endedAt === null) tab.endedAt = Date.now();
  };
  const socket = io(stack.api.url, {
    transports: ['websocket'],
    extraHeaders: { cookie: stack.cookie },
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
  });
  tab.socket = socket;
  socket.on('snapshot', (snapshot) => {
    if (snapshot.error) tab.error = snapshot.error.code;
    see(snapshot.state);
  });
  socket.on('state_change', (event) => see(event.state));
  socket.on('error', (event) => {
    if (event.seq !== undefined && event.fatal) tab.error = event.code;
  });
  socket.on('connect', () => socket.emit('join', { projectId }));
  tab.firstFile = new Promise((resolve) => socket.once('file_end', resolve));
  return tab;
}

async function withDeadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The project's row, or null while PostgreSQL does not answer. */
async function row(stack, projectId) {
  try {
    const [found] = await stack.query(
      `SELECT state, error->>'code' AS code FROM agent_states WHERE project_id = $1`,
      [projectId],
    );
    return found ?? null;
  } catch {
    return null;
  }
}

async function run(stack, scenario) {
  log(`${scenario.name}: ${scenario.what}`);
  const created = await rest(stack.api.url, '/api/projects', stack.cookie, { name: scenario.name });
  const projectId = (await created.json()).id;
  stack.llm.arm(scenario.armAtStart ?? null);
  const tab = openTab(stack, projectId);
  try {
    await withDeadline(
      new Promise((resolve) => tab.socket.once('snapshot', resolve)),
      15_000,
      'join',
    );
    const generateAt = Date.now();
    const ack = await withDeadline(
      tab.socket.emitWithAck('generate', { projectId, description: 'A todo list' }),
      15_000,
      'generate',
    );
    if (!ack.ok) return { ...scenario, outcome: `generate refused: ${ack.error.code}` };
    tab.sawBusy = true;
    let faultAt = generateAt;
    if (scenario.inject) {
      await withDeadline(tab.firstFile, FIRST_FILE_DEADLINE_MS, 'the first file');
      faultAt = Date.now();
      await scenario.inject(stack);
    }
    // The tab's events, else the database (which the tab may not hear from after a fault).
    while (tab.endedAt === null && Date.now() - generateAt < DEADLINE_MS) {
      const now = await row(stack, projectId);
      if (now && !isBusyState(now.state) && tab.endedAt === null) tab.endedAt = Date.now();
      await sleep(250);
    }
    const final = await row(stack, projectId);
    const result = {
      ...scenario,
      busyS: ((tab.endedAt ?? Date.now()) - generateAt) / 1000,
      afterFaultS: ((tab.endedAt ?? Date.now()) - faultAt) / 1000,
      state: final?.state ?? tab.state ?? '?',
      code: final?.code ?? tab.error ?? '-',
      outcome:
        tab.endedAt === null ? `still busy at the ${DEADLINE_MS / 1000} s deadline` : 'ended',
    };
    if (tab.endedAt === null) {
      await withDeadline(
        tab.socket.emitWithAck('cancel', { projectId }),
        CANCEL_DEADLINE_MS,
        'cancel',
      )
        .then((reply) => log(`cancel: ${reply.ok ? 'ok' : reply.error.code}`))
        .catch((error) => log(String(error.message)));
    }
    return result;
  } catch (error) {
    return { ...scenario, outcome: `bench could not run it: ${error.message}` };
  } finally {
    stack.llm.arm(null);
    tab.socket.close();
  }
}

function print(results) {
  console.log(
    '\nbusy: from generate to the first state that is not busy; after fault: from the injection',
  );
  console.log('scenario         busy (s)  after fault (s)  ended as            error code');
  for (const r of results) {
    if (r.busyS === undefined) {
      console.log(`${r.name.padEnd(16)} ${r.outcome}`);
      continue;
    }
    const note = r.outcome === 'ended' ? '' : `  ${r.outcome}`;
    console.log(
      `${r.name.padEnd(16)} ${r.busyS.toFixed(1).padStart(8)}  ${r.afterFaultS.toFixed(1).padStart(15)}  ${r.state.padEnd(19)} ${r.code}${note}`,
    );
  }
}

const chosen = SCENARIOS.filter(
  (scenario) => !args.only || args.only.split(',').includes(scenario.name),
);
console.log(
  `fault bench: ${chosen.length} scenarios, each within ${DEADLINE_MS / 1000} s; runner settings ${Object.entries(
    RUNNER_SETTINGS,
  )
    .map(([name, value]) => `${name}=${value}`)
    .join(' ')}`,
);
const stack = await startFaultStack(log);
const results = [];
try {
  for (const scenario of chosen) results.push(await run(stack, scenario));
} finally {
  await stack.close();
}
print(results);
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
