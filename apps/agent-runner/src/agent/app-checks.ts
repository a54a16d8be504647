import { type RuntimeErrorReport } from '@forge/protocol';
import { type Sandbox, type SandboxLogLine } from '@forge/sandbox';

/** Where a problem was found. */
export type CheckSource = 'tsc' | 'build' | 'dev' | 'runtime';

/** One error the checks found after a phase. */
export interface CheckProblem {
  source: CheckSource;
  /** Stays the same when the same error comes back (no line numbers), to spot a repeat. */
  key: string;
  /** The error as the tool printed it. */
  text: string;
  /** The project file it points at, when it names one. */
  path?: string;
}

export interface CheckOptions {
  tsc: boolean;
  build: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** The type-check: the starter's app project, no output, no colours. */
export const TSC_CHECK = ['tsc', '-p', 'tsconfig.app.json', '--noEmit', '--pretty', 'false'];
/** The build, into a folder under node_modules that neither Vite's watcher nor downloads see. */
export const BUILD_CHECK = [
  'vite',
  'build',
  '--outDir',
  'node_modules/.forge-check',
  '--emptyOutDir',
  '--logLevel',
  'error',
];

/** Most problems one check reports; the rest are counted in the last one. */
const PROBLEMS_PER_CHECK_MAX = 30;
/** Lines of the dev server's log kept with a start that failed. */
const START_LOG_LINES = 30;
/** Characters of a build's output kept in its problem. */
const BUILD_OUTPUT_MAX_CHARS = 3_000;

const TSC_ERROR = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const PROJECT_PATH = /(?:^|[\s'"(/])((?:src|public)\/[\w@.\-/]+\.(?:tsx?|jsx?|css|json|svg))/;
/** Vite's ways of saying a module failed (hmr and reload notices never match). */
const DEV_ERROR =
  /internal server error|pre-transform error|transform failed|\[plugin:[^\]]+\]|failed to (?:load|resolve|parse)/i;

/** Runs the type-check and the build the options ask for in the sandbox. */
export async function runToolChecks(
  sandbox: Sandbox,
  options: CheckOptions,
): Promise<CheckProblem[]> {
  const problems: CheckProblem[] = [];
  const run = (argv: string[]) =>
    sandbox.runTool(argv, { signal: options.signal, timeoutMs: options.timeoutMs });
  if (options.tsc) {
    const result = await run(TSC_CHECK);
    if (result.timedOut) problems.push(timedOut('tsc', options.timeoutMs));
    else if (result.exitCode !== 0) problems.push(...tscProblems(result.output));
  }
  if (options.build) {
    const result = await run(BUILD_CHECK);
    if (result.timedOut) problems.push(timedOut('build', options.timeoutMs));
    else if (result.exitCode !== 0) problems.push(buildProblem(result.output));
  }
  return problems;
}

/** `src/App.tsx(3,7): error TS2322: …` lines (with their indented continuations) as problems. */
export function tscProblems(output: string): CheckProblem[] {
  const problems: CheckProblem[] = [];
  let extra = 0;
  for (const line of output.split('\n')) {
    const match = TSC_ERROR.exec(line.trimEnd());
    if (match) {
      if (problems.length >= PROBLEMS_PER_CHECK_MAX) {
        extra++;
        continue;
      }
      const [, path, , , code, message] = match;
      problems.push({
        source: 'tsc',
        key: `tsc:${path}:${code}:${message}`,
        text: line.trimEnd(),
        path,
      });
    } else if (/^\s+\S/.test(line) && problems.length && extra === 0) {
      problems[problems.length - 1]!.text += `\n${line.trimEnd()}`;
    }
  }
  if (problems.length === 0 && output.trim()) {
    // tsc failed without a line we understand (a broken tsconfig, …): report what it said.
    problems.push({
      source: 'tsc',
      key: `tsc:${normalize(firstLine(output))}`,
      text: output.trim().slice(-BUILD_OUTPUT_MAX_CHARS),
    });
  }
  if (extra) problems[problems.length - 1]!.text += `\n…and ${extra} more type errors`;
  return problems;
}

/** A failed build as one problem: Vite stops at its first error. */
export function buildProblem(output: string): CheckProblem {
  const text = output.trim().slice(-BUILD_OUTPUT_MAX_CHARS) || 'vite build failed without output';
  const headline =
    text.split('\n').find((line) => /error|could not|failed|cannot/i.test(line)) ?? firstLine(text);
  return { source: 'build', key: `build:${normalize(headline)}`, text, path: pathIn(text) };
}

/** The dev server's error lines (Vite's transform errors) among its log lines. */
export function devLogProblems(lines: SandboxLogLine[]): CheckProblem[] {
  const seen = new Set<string>();
  const problems: CheckProblem[] = [];
  for (const line of lines) {
    if (line.stream !== 'dev' || !DEV_ERROR.test(line.text)) continue;
    const key = `dev:${normalize(line.text)}`;
    if (seen.has(key) || problems.length >= PROBLEMS_PER_CHECK_MAX) continue;
    seen.add(key);
    problems.push({ source: 'dev', key, text: line.text.trim(), path: pathIn(line.text) });
  }
  return problems;
}

/** A dev server that would not start, with the end of its log (a broken vite.config.ts, …). */
export function startProblem(failure: Error, lines: SandboxLogLine[]): CheckProblem {
  const log = lines
    .filter((line) => line.stream !== 'system')
    .slice(-START_LOG_LINES)
    .map((line) => line.text);
  const headline =
    [...log].reverse().find((line) => /error|failed|cannot|unexpected/i.test(line)) ??
    failure.message;
  return {
    source: 'dev',
    key: `dev:start:${normalize(headline)}`,
    text: [failure.message, ...log].join('\n'),
    path:
      pathIn(log.join('\n')) ?? /vite\.config\.[cm]?[jt]s/.exec(log.join('\n'))?.[0] ?? undefined,
  };
}

/** Errors a preview reported from a browser, one problem each distinct message. */
export function runtimeProblems(reports: RuntimeErrorReport[]): CheckProblem[] {
  const seen = new Set<string>();
  const problems: CheckProblem[] = [];
  for (const report of reports) {
    const key = `runtime:${report.kind}:${normalize(report.message)}`;
    if (seen.has(key) || problems.length >= PROBLEMS_PER_CHECK_MAX) continue;
    seen.add(key);
    const text = [
      `${report.kind}: ${report.message}`,
      report.source ? `  at ${report.source}` : '',
      report.stack ? report.stack.split('\n').slice(0, 6).join('\n') : '',
    ]
      .filter(Boolean)
      .join('\n');
    problems.push({
      source: 'runtime',
      key,
      text,
      path: pathIn(`${report.source ?? ''} ${report.stack ?? ''}`),
    });
  }
  return problems;
}

/** The problems as one log for the user and the fix phase, within `maxChars`. */
export function formatProblems(problems: CheckProblem[], maxChars: number): string {
  const titles: Record<CheckSource, string> = {
    tsc: 'Type errors (tsc)',
    build: 'Build errors (vite build)',
    dev: 'Dev server errors',
    runtime: 'Errors in the browser',
  };
  const sections: string[] = [];
  for (const source of Object.keys(titles) as CheckSource[]) {
    const texts = problems.filter((p) => p.source === source).map((p) => p.text);
    if (texts.length) sections.push(`${titles[source]}:\n${texts.join('\n')}`);
  }
  const text = sections.join('\n\n');
  return text.length > maxChars
    ? `${text.slice(0, maxChars - 40)}\n…(cut at AGENT_CHECK_LOG_MAX_CHARS)`
    : text;
}

function timedOut(source: CheckSource, timeoutMs: number): CheckProblem {
  return {
    source,
    key: `${source}:timeout`,
    text: `${source === 'tsc' ? 'The type-check' : 'The build'} did not finish within ${timeoutMs} ms (AGENT_CHECK_TIMEOUT_MS).`,
  };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Without positions, ids and colours, so the same error reads the same next time. */
function normalize(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/:\d+:\d+/g, '')
      .replace(/\(\d+,\d+\)/g, '')
      .replace(/\?[tv]=\w+/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 300)
  );
}

function pathIn(text: string): string | undefined {
  return PROJECT_PATH.exec(text)?.[1];
}
