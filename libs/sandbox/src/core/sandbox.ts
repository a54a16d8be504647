/**
 * A file as the agent hands it to a sandbox: a project-relative path and its full content,
 * text, or with encoding 'base64' the base64 of a binary file's bytes.
 */
export interface SandboxFile {
  path: string;
  content: string;
  encoding?: 'base64';
}

/** The bytes a sandbox writes for `file`: its UTF-8 text, or its base64 decoded. */
export function sandboxFileBytes(file: SandboxFile): Buffer {
  return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
}

export type SandboxStatus = 'absent' | 'stopped' | 'starting' | 'running' | 'crashed';

export type SandboxLogStream = 'install' | 'dev' | 'system';

export interface SandboxLogLine {
  /** Grows by one per line within one sandbox; `logs(since)` returns lines with seq > since. */
  seq: number;
  time: number;
  stream: SandboxLogStream;
  text: string;
}

export interface InstallResult {
  ok: boolean;
  exitCode: number | null;
  /** The packages asked for (empty for a plain install of package.json). */
  packages: string[];
  /** The installer's output, trimmed to the last lines. */
  output: string;
}

export interface DevServer {
  /** Where the preview proxy reaches the dev server (not a URL for the browser). */
  url: string;
}

export interface CommandOptions {
  /** Aborting stops the command within a second. */
  signal?: AbortSignal;
}

export interface RunToolOptions extends CommandOptions {
  /**
   * Stops the tool after this long (ms); the result says timedOut. The provider's toolTimeoutMs
   * when unset; 0 means no limit.
   */
  timeoutMs?: number;
}

export interface ToolResult {
  /** null when the tool was stopped (timeout) or the platform could not tell. */
  exitCode: number | null;
  timedOut: boolean;
  /**
   * stdout+stderr interleaved, the tail within TOOL_LIMITS.outputMaxBytes (a first line says
   * how much was cut before it).
   */
  output: string;
}

/**
 * One project's running environment. Every path is checked again here with checkProjectPath
 * (and against symbolic links leaving the workspace) whatever checked it before.
 */
export type { SiteBuildOptions, SiteBuildResult, SiteFile } from './site-build';
import type { SiteBuildOptions, SiteBuildResult } from './site-build';
import type { AppServers } from './app-servers';
export type { AppServers, AppServerSpec, RunningAppServer } from './app-servers';

export interface Sandbox {
  readonly projectId: string;
  writeFiles(files: SandboxFile[]): Promise<void>;
  deleteFiles(paths: string[]): Promise<void>;
  /** The file's content, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  /** Installs package.json's dependencies plus `packages` with bun. */
  install(packages?: string[], options?: CommandOptions): Promise<InstallResult>;
  /**
   * Runs one of the project's own tools (a name in node_modules/.bin, e.g.
   * ['tsc', '-p', 'tsconfig.app.json', '--noEmit', '--pretty', 'false'] or
   * ['vite', 'build', '--outDir', 'node_modules/.forge-check', '--emptyOutDir', '--logLevel', 'error'])
   * in the project's root, argv passed without a shell. A name that is not a plain file name
   * throws INVALID_TOOL, one missing from node_modules/.bin TOOL_NOT_FOUND; aborting throws
   * ABORTED. A tool that fails is a result with its exit code, not an error.
   */
  runTool(argv: string[], options?: RunToolOptions): Promise<ToolResult>;
  /**
   * Builds `files` (a version of the app, not necessarily the workspace's) into a static site
   * apart from the workspace's own files, with the workspace's installed dependencies, and
   * answers the built files. Absent where the provider cannot (publishing is then refused).
   */
  buildSite?(files: SandboxFile[], options: SiteBuildOptions): Promise<SiteBuildResult>;
  /** Idempotent: starts the dev server, or returns the running one; restarts a crashed one. */
  startDevServer(options?: CommandOptions): Promise<DevServer>;
  /**
   * Variables the app's dev server gets on top of the sandbox's own (the project's DATABASE_URL).
   * A dev server running with other values is restarted with these (true); otherwise the next
   * start takes them (false).
   */
  setAppEnv(env: Record<string, string>, options?: CommandOptions): Promise<boolean>;
  logs(since?: number): SandboxLogLine[];
  status(): Promise<SandboxStatus>;
  /** Stops processes but keeps the project's files; the next start brings it back. */
  stop(): Promise<void>;
  /** Removes everything belonging to the project. */
  destroy(): Promise<void>;
}

export type SandboxProviderKind = 'process' | 'docker' | 'kubernetes';

export interface SandboxProvider {
  readonly kind: SandboxProviderKind;
  /** The project's sandbox, created or re-attached to. */
  get(projectId: string): Promise<Sandbox>;
  /** Destroys a project's sandbox whether or not this process created it. */
  destroy(projectId: string): Promise<void>;
  /** Projects that have a sandbox here (a workspace, container, volume or pod), for reaping. */
  projectIds(): Promise<string[]>;
  /** Stops every sandbox this provider started in this process (runner shutdown). */
  shutdown(): Promise<void>;
  /** Published apps' server parts; absent where the provider cannot run them. */
  readonly appServers?: AppServers;
}
