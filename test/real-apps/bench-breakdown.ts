import { type ServerEvent } from '@forge/protocol';
import { type SandboxLogLine } from '@forge/sandbox';

/** An event as the bench saw it, with its wall-clock time (Date.now(), as log lines have). */
export interface TimedEvent {
  at: number;
  event: ServerEvent;
}

/**
 * Where the time of one app went, in ms. Spans are durations; `…At` figures are offsets from the
 * last file of the first phase written (negative: before it, e.g. an install that ran while the
 * files streamed). Null: it did not happen.
 */
export interface Breakdown {
  installAt: number | null;
  installMs: number | null;
  /** From the later of the install's end and the files' to the restarted server answering. */
  restartMs: number | null;
  /** When Vite last logged a dependency optimisation (its start is not logged). */
  depOptimisedAt: number | null;
  serverStartedAt: number | null;
  /** server_started → the app's text visible in Chromium. */
  firstRenderMs: number | null;
  typeCheckMs: number | null;
  buildMs: number | null;
  fixPhases: number;
}

const DEP_OPTIMISATION =
  /new dependencies optimized|optimized dependencies changed|Re-optimizing dependencies|Forced re-optimization/;

/** The first span of system log lines from one matching `start` to the next matching `end`. */
function span(
  lines: SandboxLogLine[],
  start: RegExp,
  end: RegExp,
): { from: number; to: number } | null {
  const first = lines.find((line) => line.stream === 'system' && start.test(line.text));
  if (!first) {
    return null;
  }
  const last = lines.find((line) => line.seq > first.seq && end.test(line.text));
  return last ? { from: first.time, to: last.time } : null;
}

/** The last file_end of the first phase: what "last file written" is measured from. */
export function lastFileWritten(events: TimedEvent[]): number {
  const written = events.findIndex(({ event }) => event.type === 'files_written');
  const before = written === -1 ? events : events.slice(0, written);
  const last = before.filter(({ event }) => event.type === 'file_end').at(-1);
  if (!last) {
    throw new Error('no file was written');
  }
  return last.at;
}

/** The breakdown of one generation from its events and its sandbox's log. */
export function breakdown(
  events: TimedEvent[],
  log: SandboxLogLine[],
  renderedAt: number | null,
): Breakdown {
  const lastFile = lastFileWritten(events);
  const round = (ms: number) => Math.round(ms);
  const install = span(log, /^running bun (add|install)/, /^bun (add|install) (succeeded|failed)/);
  // A restart follows the install and the last file (the install may run as the files stream).
  const written = events.find(({ event }) => event.type === 'files_written')?.at ?? lastFile;
  const restartFrom = Math.max(install?.to ?? 0, written);
  const restart = span(
    log.filter((line) => line.time >= restartFrom),
    /^the dev server stopped/,
    /^the dev server answers at/,
  );
  const optimised = log
    .filter((line) => line.stream === 'dev' && DEP_OPTIMISATION.test(line.text))
    .at(-1);
  const started = events.find(({ event }) => event.type === 'server_started');
  // The phase's own checks: the first runs after the first server_started.
  const checks = started ? log.filter((line) => line.time >= started.at) : [];
  const typeCheck = span(checks, /^running tsc /, /^tsc (exited|stopped|was cancelled)/);
  const build = span(checks, /^running vite build/, /^vite (exited|stopped|was cancelled)/);
  return {
    installAt: install ? round(install.from - lastFile) : null,
    installMs: install ? round(install.to - install.from) : null,
    restartMs: restart ? round(restart.to - restartFrom) : null,
    depOptimisedAt: optimised ? round(optimised.time - lastFile) : null,
    serverStartedAt: started ? round(started.at - lastFile) : null,
    firstRenderMs: started && renderedAt !== null ? round(renderedAt - started.at) : null,
    typeCheckMs: typeCheck ? round(typeCheck.to - typeCheck.from) : null,
    buildMs: build ? round(build.to - build.from) : null,
    fixPhases: events.filter(
      ({ event }) => event.type === 'phase_designed' && event.phase.kind === 'fix',
    ).length,
  };
}

const COLUMNS: [keyof Breakdown, string][] = [
  ['installAt', 'install at'],
  ['installMs', 'install'],
  ['restartMs', 'restart'],
  ['depOptimisedAt', 'deps optimised at'],
  ['serverStartedAt', 'server_started at'],
  ['firstRenderMs', 'first render'],
  ['typeCheckMs', 'type-check'],
  ['buildMs', 'build'],
  ['fixPhases', 'fix phases'],
];

/** The breakdowns as a table, one row per app. */
export function breakdownTable(rows: { app: string; breakdown: Breakdown }[]): string {
  const cell = (value: number | null, key: keyof Breakdown) =>
    value === null ? '-' : key === 'fixPhases' ? String(value) : `${value} ms`;
  return [
    `${'app'.padEnd(25)}${COLUMNS.map(([, title]) => title.padStart(19)).join('')}`,
    ...rows.map(
      ({ app, breakdown: b }) =>
        `${app.padEnd(25)}${COLUMNS.map(([key]) => cell(b[key], key).padStart(19)).join('')}`,
    ),
  ].join('\n');
}
