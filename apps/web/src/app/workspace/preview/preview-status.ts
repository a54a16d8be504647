import { type AgentState, isBusyState } from '@forge/protocol/agent/agent-state';
import { type ProblemItem, type ProblemSource } from '@forge/protocol/agent/events';
import { type ProjectView } from '@forge/protocol/socket/project-view';
import { type LogEntry } from '../state/workspace-state';
import { isPreviewFailure } from '../state/workspace-status';

/** Lines of install and dev-server output shown when the app failed to start. */
export const PREVIEW_LOG_TAIL_LINES = 40;

/** The preview link as the panel last asked for it. */
export type LinkState =
  | { readonly status: 'none' }
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly url: string }
  | { readonly status: 'not-running' }
  | { readonly status: 'error'; readonly message: string };

/** What the preview panel shows. */
export type PreviewDisplay =
  | { readonly kind: 'frame'; readonly busy: string | null }
  | { readonly kind: 'waiting'; readonly title: string; readonly detail: string | null }
  | {
      readonly kind: 'failed';
      readonly title: string;
      readonly message: string;
      readonly log: string;
    }
  | { readonly kind: 'not-running' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'empty' };

const STEP_WORDS: Partial<Record<AgentState, string>> = {
  DESIGNING_PHASE: 'Designing the next phase…',
  IMPLEMENTING_PHASE: 'Writing code…',
  INSTALLING_DEPS: 'Installing dependencies…',
  STARTING_SERVER: 'Starting the dev server…',
};

/** The step in words; once the dev server took the phase, its checks run, not its start. */
function stepWords(view: ProjectView): string | null {
  if (view.state === 'STARTING_SERVER' && view.checking !== null) {
    return 'Checking the app…';
  }
  return STEP_WORDS[view.state] ?? null;
}

/**
 * "Waiting for the provider, 60 s…" while the agent waits out the LLM provider's Retry-After:
 * the runner's log line saying so is the latest event (anything after it means the wait ended).
 */
export function providerWait(view: ProjectView, logs: readonly LogEntry[]): string | null {
  const last = logs.at(-1);
  if (!isBusyState(view.state) || last?.stream !== 'system' || last.seq !== view.seq) {
    return null;
  }
  const wait = /^Waiting for the provider, \d+ s/.exec(last.text);
  return wait ? `${wait[0]}…` : null;
}

/**
 * Whether a dev server should be running: a phase got through its start step, or the project
 * has a saved version to serve. An imported or remixed project has version 1 and no phase; a
 * first generation saves no version before its first phase is done, so its files written so
 * far (or left by a failure) wait for the server step as before.
 */
export function expectsRunningServer(view: ProjectView, serverStarts: number): boolean {
  return (
    serverStarts > 0 || view.version > 0 || view.phases.some((phase) => phase.status === 'done')
  );
}

/** The last `lines` lines of the install and dev-server output (system notes when there is none). */
export function logTail(logs: readonly LogEntry[], lines = PREVIEW_LOG_TAIL_LINES): string {
  const output = logs.filter((log) => log.stream !== 'system');
  const chosen = output.length > 0 ? output : logs;
  const all = chosen.flatMap((log) => log.text.replace(/\n$/, '').split('\n'));
  return all.slice(-lines).join('\n');
}

const PROBLEM_TITLES: Record<ProblemSource, string> = {
  checks: 'Type-check and build',
  browser: 'Errors in the browser',
};

/** The current errors of one source, for the preview: what the agent mends in a fix phase. */
export interface ProblemOutput {
  readonly source: ProblemSource;
  readonly title: string;
  /** Each distinct error's lines, one after the other. */
  readonly text: string;
  /** Distinct errors. */
  readonly count: number;
}

/**
 * The errors that hold now: the checks after the latest phase (tsc, the build, the dev
 * server) and what previews of the current code reported from a browser, each source on its
 * own. The runner sends each set whole and empties it when the code changes, so errors of
 * superseded code never show, and two tabs or a reload do not repeat one.
 */
export function problemOutputs(
  problems: Readonly<Record<ProblemSource, readonly ProblemItem[]>>,
): ProblemOutput[] {
  return (Object.keys(PROBLEM_TITLES) as ProblemSource[]).flatMap((source) => {
    const items = problems[source];
    if (items.length === 0) {
      return [];
    }
    const text = items.map((item) => item.text).join('\n');
    return [{ source, title: PROBLEM_TITLES[source], text, count: items.length }];
  });
}

/** Characters of a log a "fix it" request quotes (the server caps a prompt at 20,000). */
export const FIX_REQUEST_LOG_MAX_CHARS = 6_000;

/** The request "Ask Forge to fix it" sends: what went wrong, with the end of its log. */
export function fixRequest(what: string, log: string): string {
  const tail = log.length > FIX_REQUEST_LOG_MAX_CHARS ? log.slice(-FIX_REQUEST_LOG_MAX_CHARS) : log;
  return `${what} Fix it, changing only what the fix needs. The log:\n\n${tail.trim()}`;
}

export interface PreviewInputs {
  readonly view: ProjectView | null;
  readonly stoppedFrom: AgentState | null;
  readonly logs: readonly LogEntry[];
  readonly link: LinkState;
}

/**
 * Decides the preview panel's content: a failed install or start with its log first (the error
 * belongs where it happened), then the running app, then what the agent is doing meanwhile.
 */
export function previewDisplay({ view, stoppedFrom, logs, link }: PreviewInputs): PreviewDisplay {
  if (view?.error && isPreviewFailure(view, stoppedFrom)) {
    return {
      kind: 'failed',
      title:
        stoppedFrom === 'INSTALLING_DEPS' || view.error.code === 'INSTALL_FAILED'
          ? 'The dependencies did not install'
          : 'The app did not start',
      message: view.error.message,
      log: logTail(logs),
    };
  }
  const step = view ? (providerWait(view, logs) ?? stepWords(view)) : null;
  if (link.status === 'ready') {
    return { kind: 'frame', busy: step };
  }
  if (view && (view.state === 'INSTALLING_DEPS' || view.state === 'STARTING_SERVER')) {
    const last = logTail(logs, 1);
    return { kind: 'waiting', title: step!, detail: last || null };
  }
  if (step) {
    return {
      kind: 'waiting',
      title: step,
      detail: 'The preview starts once the first phase is written.',
    };
  }
  switch (link.status) {
    case 'loading':
      return { kind: 'waiting', title: 'Opening the preview…', detail: null };
    case 'error':
      return { kind: 'error', message: link.message };
    case 'not-running':
      return { kind: 'not-running' };
  }
  if (!view) {
    return { kind: 'waiting', title: 'Connecting…', detail: null };
  }
  return Object.keys(view.files).length === 0 ? { kind: 'empty' } : { kind: 'not-running' };
}
