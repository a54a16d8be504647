import { type ProblemItem, type RuntimeErrorReport } from '@forge/protocol';
import { type Sandbox, type SandboxLogLine } from '@forge/sandbox';
import { checkCommands } from './check-commands';

/** Where a problem was found: the tool that reported it. */
export type CheckSource = 'tsc' | 'build' | 'dev' | 'runtime' | 'migration';

/**
 * One error the checks found after a phase, structured: the tool, the project-relative file and
 * position when it names one, the tool's code, and the message without colour codes or host
 * paths. What the fix phase and the user are shown.
 */
export interface CheckProblem {
  source: CheckSource;
  /** Stays the same when the same error comes back (no line numbers), to spot a repeat. */
  key: string;
  /** A few readable lines: `src/App.tsx:3:7 - error TS2322: …` (tsc's wording), then details. */
  text: string;
  /** The project file it points at, when it names one. */
  path?: string;
  line?: number;
  column?: number;
  /** The tool's own code (TS2322, UNRESOLVED_IMPORT, …) when it gives one. */
  code?: string;
  /** The first line of the error, clean. */
  message: string;
}

export interface CheckOptions {
  tsc: boolean;
  build: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Most problems one check reports; the rest are counted in the last one. */
const PROBLEMS_PER_CHECK_MAX = 30;
/** Lines of the dev server's log kept with a start that failed. */
const START_LOG_LINES = 30;
/** Lines of details kept under one build error (its code frame is left out). */
const DETAIL_LINES_MAX = 4;

const TSC_ERROR = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const PROJECT_PATH =
  /(?:^|[\s'"(/[])((?:src|public)\/[\w@.\-/]+\.(?:tsx?|jsx?|css|scss|sass|less|json|svg))/;
/** `src/App.tsx:22:23`, `/abs/src/App.tsx:22:23` or `file: src/App.tsx:3:1`. */
const POSITION = /((?:[\w@.-]+\/)*[\w@.-]+\.[A-Za-z]+):(\d+):(\d+)/;
/** A build error's first line: `[vite]: …`, `[plugin vite:css] …`, `[builtin:vite-transform] …`, `Error: …`. */
const BUILD_HEADLINE = /^(?:(?:\w*Error): )?\[([^\]]+)\]:? (.*)$|^(?:\w*Error|error|ERROR): (.*)$/;
/** Stack frames, code frames and the build's own banner: never part of an error's message. */
const BUILD_NOISE =
  /^\s+at |^\s*\d*\s*[│|]|^\s*[╭╰─┬╯]|^[✗x] Build failed|^error during build:|^Build failed with \d+ errors?:|^\s*errors: \[|^}$/;
const STACK_FRAME = /^\s+at /;
/** Vite's ways of saying a module failed (hmr and reload notices never match). */
const DEV_ERROR =
  /internal server error|pre-transform error|transform failed|\[plugin:[^\]]+\]|failed to (?:load|resolve|parse)/i;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
/**
 * An absolute path up to a project root's well-known entry (`/srv/forge/ws/p1/src/App.tsx` →
 * `src/App.tsx`): host paths never reach the user, the model or the logs.
 */
const HOST_PREFIX =
  /(?:file:\/\/)?\/(?:[^\s"'()[\]:,]+\/)*(?=(?:src|public|node_modules|index\.html|package\.json|vite\.config\.[cm]?[jt]s|tsconfig[\w.]*\.json|postcss\.config\.[cm]?js|tailwind\.config\.[cm]?[jt]s)(?![\w-]))/g;

/** Colour codes out, host paths made project-relative. */
export function cleanToolText(text: string): string {
  return text.replace(ANSI, '').replace(HOST_PREFIX, '');
}

/**
 * Runs the app's own type-check and build (check-commands.ts) as the options ask, at the same
 * time: neither writes what the other reads (the build goes under node_modules), and together
 * they take as long as the slower one. The problems come type errors first, as before.
 */
export async function runToolChecks(
  sandbox: Sandbox,
  options: CheckOptions,
): Promise<CheckProblem[]> {
  const run = (argv: string[]) =>
    sandbox.runTool(argv, { signal: options.signal, timeoutMs: options.timeoutMs });
  const commands = checkCommands(
    await sandbox.readFile('package.json'),
    await sandbox.readFile('tsconfig.json'),
  );
  const typeCheck = async (): Promise<CheckProblem[]> => {
    if (!options.tsc || !commands.typeCheck) {
      return [];
    }
    const result = await run(commands.typeCheck);
    if (result.timedOut) {
      return [timedOut('tsc', options.timeoutMs)];
    }
    return result.exitCode !== 0 ? tscProblems(result.output) : [];
  };
  const builds = async (): Promise<CheckProblem[]> => {
    if (!options.build) {
      return [];
    }
    for (const build of commands.builds) {
      const result = await run(build);
      if (result.timedOut) {
        return [timedOut('build', options.timeoutMs)];
      }
      if (result.exitCode !== 0) {
        return buildProblems(result.output);
      }
    }
    return [];
  };
  // Both are waited for, so neither outlives the call when the other throws.
  const settled = await Promise.allSettled([typeCheck(), builds()]);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
}

/** `src/App.tsx(3,7): error TS2322: …` lines (with their indented continuations) as problems. */
export function tscProblems(output: string): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const seen = new Set<string>();
  let extra = 0;
  let last: CheckProblem | undefined;
  for (const raw of cleanToolText(output).split('\n')) {
    const line = raw.trimEnd();
    const match = TSC_ERROR.exec(line);
    if (match) {
      last = undefined;
      const [, path, row, column, code, message] = match as unknown as string[];
      const key = `tsc:${path}:${code}:${message}`;
      if (seen.has(`${key}:${row}:${column}`)) {
        continue;
      }
      seen.add(`${key}:${row}:${column}`);
      if (problems.length >= PROBLEMS_PER_CHECK_MAX) {
        extra++;
        continue;
      }
      last = {
        source: 'tsc',
        key,
        text: `${path}:${row}:${column} - error ${code}: ${message}`,
        path,
        line: Number(row),
        column: Number(column),
        code,
        message: message!,
      };
      problems.push(last);
    } else if (/^\s+\S/.test(line) && last) {
      last.text += `\n${line}`;
    }
  }
  if (problems.length === 0 && output.trim()) {
    // tsc failed without a line we understand (a broken tsconfig, …): its first words.
    const text = firstLines(cleanToolText(output), DETAIL_LINES_MAX);
    problems.push({
      source: 'tsc',
      key: `tsc:${normalize(firstLine(text))}`,
      text,
      message: firstLine(text),
    });
  }
  if (extra) {
    problems[problems.length - 1]!.text += `\n…and ${extra} more type errors`;
  }
  return problems;
}

/**
 * A failed build's errors, first ones first: each headline (`[vite]: Rolldown failed to resolve
 * import "x" from "src/App.tsx".`, `[builtin:vite-transform] Unexpected token` with its
 * `src/App.tsx:22:23` location) with a few lines of detail; stack and code frames left out.
 */
export function buildProblems(output: string): CheckProblem[] {
  const lines = cleanToolText(output)
    .split('\n')
    .map((line) => line.trimEnd());
  const problems: CheckProblem[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length && problems.length < PROBLEMS_PER_CHECK_MAX; i++) {
    const headline = BUILD_HEADLINE.exec(lines[i]!.trim());
    if (!headline || BUILD_NOISE.test(lines[i]!)) {
      continue;
    }
    const plugin = headline[1];
    const message = (headline[2] ?? headline[3] ?? '').trim();
    const details: string[] = [];
    let position = projectPosition(message);
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (!next.trim() || BUILD_HEADLINE.test(next.trim())) {
        break;
      }
      // A code frame's `[ src/App.tsx:22:23 ]` says where; a stack frame never does.
      if (!STACK_FRAME.test(next)) {
        position ??= projectPosition(next);
      }
      if (!BUILD_NOISE.test(next) && details.length < DETAIL_LINES_MAX) {
        details.push(next.trim());
      }
    }
    const path = position?.[1] ?? pathIn(message) ?? pathIn(details.join('\n'));
    const problem: CheckProblem = {
      source: 'build',
      key: `build:${normalize(message)}`,
      text: '',
      message,
      ...(path ? { path } : {}),
      ...(position ? { line: Number(position[2]), column: Number(position[3]) } : {}),
      ...(plugin ? { code: plugin } : {}),
    };
    if (seen.has(problem.key)) {
      continue;
    }
    seen.add(problem.key);
    const where = path ? `${path}${position ? `:${position[2]}:${position[3]}` : ''} ` : '';
    problem.text = [`${where}${plugin ? `[${plugin}] ` : ''}${message}`, ...details].join('\n');
    problems.push(problem);
  }
  if (problems.length === 0) {
    const text =
      firstLines(lines.filter((line) => !BUILD_NOISE.test(line)).join('\n'), DETAIL_LINES_MAX) ||
      'vite build failed without output';
    problems.push({
      source: 'build',
      key: `build:${normalize(firstLine(text))}`,
      text,
      message: firstLine(text),
      path: pathIn(text),
    });
  }
  return problems;
}

/** The dev server's error lines (Vite's transform errors) among its log lines. */
export function devLogProblems(lines: SandboxLogLine[]): CheckProblem[] {
  const seen = new Set<string>();
  const problems: CheckProblem[] = [];
  for (const line of lines) {
    if (line.stream !== 'dev' || !DEV_ERROR.test(line.text)) {
      continue;
    }
    const text = cleanToolText(line.text).trim();
    const key = `dev:${normalize(text)}`;
    if (seen.has(key) || problems.length >= PROBLEMS_PER_CHECK_MAX) {
      continue;
    }
    seen.add(key);
    const position = POSITION.exec(text);
    problems.push({
      source: 'dev',
      key,
      text,
      message: firstLine(text),
      path: position?.[1] ?? pathIn(text),
      ...(position ? { line: Number(position[2]), column: Number(position[3]) } : {}),
    });
  }
  return problems;
}

/** A dev server that would not start, with the end of its log (a broken vite.config.ts, …). */
export function startProblem(failure: Error, lines: SandboxLogLine[]): CheckProblem {
  const log = lines
    .filter((line) => line.stream !== 'system')
    .slice(-START_LOG_LINES)
    .map((line) => cleanToolText(line.text));
  const message = cleanToolText(failure.message);
  const headline =
    [...log].reverse().find((line) => /error|failed|cannot|unexpected/i.test(line)) ?? message;
  return {
    source: 'dev',
    key: `dev:start:${normalize(headline)}`,
    text: [message, ...log].join('\n'),
    message: headline.trim(),
    path:
      pathIn(log.join('\n')) ?? /vite\.config\.[cm]?[jt]s/.exec(log.join('\n'))?.[0] ?? undefined,
  };
}

/** Errors a preview reported from a browser, one problem each distinct message. */
export function runtimeProblems(reports: RuntimeErrorReport[]): CheckProblem[] {
  const seen = new Set<string>();
  const problems: CheckProblem[] = [];
  for (const report of reports) {
    const message = cleanToolText(report.message);
    const key = `runtime:${report.kind}:${normalize(message)}`;
    if (seen.has(key) || problems.length >= PROBLEMS_PER_CHECK_MAX) {
      continue;
    }
    seen.add(key);
    const source = report.source ? cleanToolText(report.source) : '';
    const stack = report.stack ? cleanToolText(report.stack) : '';
    const text = [
      `${report.kind}: ${message}`,
      source ? `  at ${source}` : '',
      stack ? stack.split('\n').slice(0, 6).join('\n') : '',
    ]
      .filter(Boolean)
      .join('\n');
    problems.push({
      source: 'runtime',
      key,
      text,
      message: firstLine(message),
      path: pathIn(`${source} ${stack}`),
    });
  }
  return problems;
}

/** The problems as the `problems` event carries them. */
export function problemItems(problems: CheckProblem[]): ProblemItem[] {
  return problems.map((problem) => ({
    tool: problem.source,
    message: problem.message,
    text: problem.text,
    ...(problem.path ? { file: problem.path } : {}),
    ...(problem.line !== undefined ? { line: problem.line } : {}),
    ...(problem.column !== undefined ? { column: problem.column } : {}),
    ...(problem.code ? { code: problem.code } : {}),
  }));
}

/** The problems as one text for the user and the fix phase, within `maxChars`. */
export function formatProblems(problems: CheckProblem[], maxChars: number): string {
  const titles: Record<CheckSource, string> = {
    tsc: 'Type errors (tsc)',
    build: "Build errors (the app's build)",
    dev: 'Dev server errors',
    runtime: 'Errors in the browser',
    migration: "Database migrations (db/migrations, applied to the app's database)",
  };
  const sections: string[] = [];
  for (const source of Object.keys(titles) as CheckSource[]) {
    const texts = problems.filter((p) => p.source === source).map((p) => p.text);
    if (texts.length) {
      sections.push(`${titles[source]}:\n${texts.join('\n')}`);
    }
  }
  const text = sections.join('\n\n');
  return text.length > maxChars
    ? `${text.slice(0, maxChars - 40)}\n…(cut at AGENT_CHECK_LOG_MAX_CHARS)`
    : text;
}

function timedOut(source: CheckSource, timeoutMs: number): CheckProblem {
  const message = `${source === 'tsc' ? 'The type-check' : 'The build'} did not finish within ${timeoutMs} ms (AGENT_CHECK_TIMEOUT_MS).`;
  return { source, key: `${source}:timeout`, text: message, message };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function firstLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(0, count)
    .join('\n');
}

/** Without positions, ids and colours, so the same error reads the same next time. */
function normalize(text: string): string {
  return cleanToolText(text)
    .replace(/:\d+:\d+/g, '')
    .replace(/\(\d+,\d+\)/g, '')
    .replace(/\?[tv]=\w+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** A `file:line:column` in the project (not in its node_modules). */
function projectPosition(text: string): RegExpExecArray | null {
  const position = POSITION.exec(text);
  return position && !position[1]!.startsWith('node_modules/') ? position : null;
}

function pathIn(text: string): string | undefined {
  return PROJECT_PATH.exec(text)?.[1];
}
