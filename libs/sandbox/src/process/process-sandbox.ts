import { constants } from 'node:fs';
import { RewriteSpacing } from '../core/rewrite-spacing';
import { randomBytes } from 'node:crypto';
import { access, chown, mkdir, rm, stat } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type {
  CommandOptions,
  DevServer,
  InstallResult,
  RunToolOptions,
  Sandbox,
  SandboxFile,
  SandboxLogLine,
  SandboxStatus,
  SiteBuildOptions,
  SiteBuildResult,
  ToolResult,
} from '../core/sandbox';
import {
  hasServerPart,
  readServerBundle,
  readSiteFiles,
  SERVER_BUILD_CONFIG,
  serverBuildArgv,
  serverBuildConfigFile,
  SITE_BUILD_DIR,
  siteBuildArgv,
  SITE_OUT_DIR,
} from '../core/site-build';
import { SandboxError } from '../core/sandbox-error';
import { SandboxLogBuffer } from '../core/sandbox-log';
import { bunInstallArgs, checkPackageSpecs } from '../core/bun-install';
import { bunInstall } from './workspace/bun-install';
import {
  checkToolArgv,
  finishToolRun,
  OutputTail,
  TOOL_BIN_DIR,
  toolNotFound,
} from '../core/project-tools';
import {
  readContainedFile,
  type FileOwner,
  writeContainedFiles,
} from './workspace/contained-files';
import { lastLines } from '../core/output-lines';
import { runCommand } from './workspace/run-command';
import { listTemplateFiles } from '../core/template';
import { checkPaths } from '../core/workspace-limits';
import { defaultBunPath, processSandboxEnv } from '../core/sandbox-env';
import {
  deleteWorkspaceFiles,
  readWorkspaceFile,
  writeWorkspaceFiles,
} from './workspace/workspace-files';
import type { DevServerProcess } from './dev-server-process';
import { ProcessDevServerSupervisor } from './process-dev-server-supervisor';
import type { PortAllocator } from './port-allocator';
import type { ProcessIsolation } from './process-isolation';
import type { ProcessSandboxConfig } from './process-sandbox.config';

export interface ProcessSandboxParts {
  /** The workspace's real path (fs.realpath), which every file path is checked against. */
  workspaceDir: string;
  config: ProcessSandboxConfig;
  ports: PortAllocator;
  /** The log to continue (a pooled dev server's), or a new one. */
  log?: SandboxLogBuffer;
  /** A dev server already starting or running in the workspace (from the pool). */
  adopt?: { server: DevServerProcess; ready: Promise<void> };
  /** Removes the project's entry (its link to the workspace); called by destroy(). */
  unlink: () => Promise<void>;
  /** Told when the sandbox is destroyed, so its provider forgets it. */
  onDestroyed: () => void;
  /** The provider's bubblewrap set-up, ready (probed). */
  isolation: ProcessIsolation;
}

/**
 * A project's sandbox on this machine: a workspace folder and a Vite child process. Every call
 * counts as activity; after idleTimeoutMs without any, the dev server is stopped, and the next
 * startDevServer starts it again.
 */
export class ProcessSandbox implements Sandbox {
  readonly workspaceDir: string;
  private readonly config: ProcessSandboxConfig;
  private readonly log: SandboxLogBuffer;
  /** Replacing one file twice in quick succession would slip past Vite's watcher. */
  private readonly rewrites = new RewriteSpacing();
  private readonly devServer: ProcessDevServerSupervisor;
  private readonly isolation: ProcessIsolation;
  private idleTimer?: NodeJS.Timeout;
  private active = 0;
  private destroyed = false;
  private markFirstStart!: () => void;
  /**
   * Settles when the first startDevServer does, or after devServerReadyTimeoutMs without one:
   * the provider refills its pool then, so as not to compete with this start.
   */
  readonly firstStart = new Promise<void>((resolve) => (this.markFirstStart = resolve));

  constructor(
    readonly projectId: string,
    private readonly parts: ProcessSandboxParts,
  ) {
    this.workspaceDir = parts.workspaceDir;
    this.config = parts.config;
    this.log = parts.log ?? new SandboxLogBuffer(parts.config.logLines);
    this.isolation = parts.isolation;
    this.devServer = new ProcessDevServerSupervisor(
      this.workspaceDir,
      this.config,
      parts.ports,
      this.log,
      this.isolation,
    );
    if (parts.adopt) {
      this.devServer.adopt(parts.adopt.server, parts.adopt.ready);
    }
    setTimeout(this.markFirstStart, this.config.devServerReadyTimeoutMs).unref();
    this.touch();
  }

  /** The dev server's process id while it runs (its process group has the same id). */
  get devServerPid(): number | undefined {
    return this.devServer.pid;
  }

  /** Counts as activity: restarts the idle countdown. */
  touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.destroyed || this.config.idleTimeoutMs === 0 || this.active > 0) {
      return;
    }
    this.idleTimer = setTimeout(() => void this.stopWhenIdle(), this.config.idleTimeoutMs);
    this.idleTimer.unref();
  }

  writeFiles(files: SandboxFile[]): Promise<void> {
    const write = this.isolation.active
      ? () => writeContainedFiles(this.workspaceDir, files, this.sandboxOwner())
      : () => writeWorkspaceFiles(this.workspaceDir, files);
    return this.use(() =>
      this.rewrites.space(
        files.map((file) => file.path),
        write,
      ),
    );
  }

  deleteFiles(paths: string[]): Promise<void> {
    if (!this.isolation.active) {
      return this.use(() => deleteWorkspaceFiles(this.workspaceDir, paths));
    }
    // Removed by the sandbox itself: a folder it swaps for a link leads nowhere from inside.
    checkPaths(paths);
    if (paths.length === 0) {
      return this.use(async () => undefined);
    }
    return this.use(async () => {
      const targets = paths.map((path) => join(this.workspaceDir, path));
      const result = await runCommand('/usr/bin/rm', ['-rf', '--', ...targets], {
        cwd: this.workspaceDir,
        env: this.isolation.env(processSandboxEnv(this.config.env)),
        timeoutMs: this.config.toolTimeoutMs,
        wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'tool'),
      });
      if (result.exitCode !== 0) {
        throw new SandboxError(
          'COMMAND_FAILED',
          `deleting files failed: ${lastLines(result.output, 5)}`,
        );
      }
    });
  }

  readFile(path: string): Promise<string | null> {
    return this.use(() =>
      this.isolation.active
        ? readContainedFile(this.workspaceDir, path)
        : readWorkspaceFile(this.workspaceDir, path),
    );
  }

  install(packages: string[] = [], options: CommandOptions = {}): Promise<InstallResult> {
    return this.use(async () => {
      const args = bunInstallArgs(checkPackageSpecs(packages));
      this.log.append('system', `running bun ${args.join(' ')}`);
      const writer = this.log.lineWriter('install');
      let result: InstallResult;
      try {
        result = await bunInstall(packages, {
          cwd: this.workspaceDir,
          bunPath: this.config.bunPath ?? defaultBunPath(),
          env: this.isolation.env(processSandboxEnv(this.config.env)),
          signal: options.signal,
          timeoutMs: this.config.installTimeoutMs,
          wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'install'),
          onOutput: (chunk) => writer.write(chunk),
        });
      } finally {
        writer.flush();
      }
      const outcome = result.ok ? 'succeeded' : `failed (exit code ${result.exitCode})`;
      this.log.append('system', `bun ${args[0]} ${outcome}`);
      return result;
    });
  }

  runTool(argv: string[], options: RunToolOptions = {}): Promise<ToolResult> {
    return this.use(async () => {
      const name = checkToolArgv(argv);
      const binDir = join(this.workspaceDir, TOOL_BIN_DIR);
      const tool = join(binDir, name);
      if (!(await isExecutableFile(tool))) {
        throw toolNotFound(name);
      }
      const timeoutMs = options.timeoutMs ?? this.config.toolTimeoutMs;
      const env = this.isolation.env(processSandboxEnv(this.config.env));
      // The tools' `#!/usr/bin/env node` finds the runner's own node first, as the dev server
      // runs on it; a tool calling another finds it in node_modules/.bin.
      env.PATH = [binDir, dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter);
      this.log.append('system', `running ${argv.join(' ')}`);
      const tail = new OutputTail();
      const result = await runCommand(tool, argv.slice(1), {
        cwd: this.workspaceDir,
        env: { ...env, CI: 'true' },
        signal: options.signal,
        timeoutMs,
        onOutput: (chunk) => tail.add(chunk),
        wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'tool'),
      });
      return finishToolRun(this.log, name, result, timeoutMs, tail);
    });
  }

  buildSite(files: SandboxFile[], options: SiteBuildOptions): Promise<SiteBuildResult> {
    return this.use(async () => {
      const parent = join(this.workspaceDir, SITE_BUILD_DIR);
      const name = randomBytes(8).toString('hex');
      const dir = join(parent, name);
      const argv = siteBuildArgv(`${SITE_BUILD_DIR}/${name}`);
      const owner = this.sandboxOwner();
      for (const each of [parent, dir]) {
        await mkdir(each, { recursive: true });
        if (owner) {
          await chown(each, owner.uid, owner.gid);
        }
      }
      try {
        // A version holds the files the agent and the user wrote: the template's are beneath.
        const byPath = new Map<string, SandboxFile>();
        const template = await listTemplateFiles({ templateDir: this.config.templateDir });
        for (const file of [...template, ...files]) {
          byPath.set(file.path, file);
        }
        const withServer = hasServerPart(files.map((file) => file.path));
        if (withServer) {
          byPath.set(SERVER_BUILD_CONFIG, {
            path: SERVER_BUILD_CONFIG,
            content: serverBuildConfigFile(),
          });
        }
        const all = [...byPath.values()];
        if (this.isolation.active) {
          await writeContainedFiles(dir, all, owner);
        } else {
          await writeWorkspaceFiles(dir, all);
        }
        const deadline = Date.now() + options.timeoutMs;
        const run = await this.runBuild(argv, 'building a site', deadline, options.signal);
        if (run.exitCode !== 0) {
          return { ok: false, output: run.output };
        }
        const site = await readSiteFiles(join(dir, SITE_OUT_DIR), options);
        if (!withServer) {
          return { ok: true, files: site, server: null };
        }
        const serverArgv = serverBuildArgv(`${SITE_BUILD_DIR}/${name}`);
        const server = await this.runBuild(
          serverArgv,
          "building the app's server part",
          deadline,
          options.signal,
        );
        if (server.exitCode !== 0) {
          return { ok: false, output: server.output };
        }
        return {
          ok: true,
          files: site,
          server: await readServerBundle(dir, options.maxServerBytes),
        };
      } finally {
        await this.removeBuild(dir);
      }
    });
  }

  /** One `vite build` of a publish build, within what is left of the build's deadline. */
  private async runBuild(
    argv: string[],
    what: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<ToolResult> {
    const binDir = join(this.workspaceDir, TOOL_BIN_DIR);
    const tool = join(binDir, argv[0]!);
    if (!(await isExecutableFile(tool))) {
      throw toolNotFound(argv[0]!);
    }
    const env = this.isolation.env(processSandboxEnv(this.config.env));
    env.PATH = [binDir, dirname(process.execPath), env.PATH].filter(Boolean).join(delimiter);
    this.log.append('system', `${what}: ${argv.join(' ')}`);
    const tail = new OutputTail();
    const timeoutMs = Math.max(1, deadline - Date.now());
    const result = await runCommand(tool, argv.slice(1), {
      cwd: this.workspaceDir,
      env: { ...env, CI: 'true', NODE_ENV: 'production' },
      signal,
      timeoutMs,
      onOutput: (chunk) => tail.add(chunk),
      wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'tool'),
    });
    return finishToolRun(this.log, 'vite', result, timeoutMs, tail);
  }

  /** A build's folder goes; under isolation its files are the sandbox user's, removed as it. */
  private async removeBuild(dir: string): Promise<void> {
    try {
      await rm(dir, { recursive: true, force: true });
    } catch {
      if (!this.isolation.active) {
        return;
      }
      await runCommand('/usr/bin/find', [dir, '-delete'], {
        cwd: this.workspaceDir,
        env: this.isolation.env(processSandboxEnv(this.config.env)),
        timeoutMs: 60_000,
        wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'tool'),
      }).catch(() => undefined);
    }
  }

  startDevServer(options: CommandOptions = {}): Promise<DevServer> {
    return this.use(() => this.devServer.start(options.signal)).finally(this.markFirstStart);
  }

  setAppEnv(env: Record<string, string>, options: CommandOptions = {}): Promise<boolean> {
    return this.use(() => this.devServer.setAppEnv(env, options.signal));
  }

  logs(since?: number): SandboxLogLine[] {
    this.touch();
    return this.log.since(since);
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) {
      return 'absent';
    }
    const exists = await access(this.workspaceDir).then(
      () => true,
      () => false,
    );
    return exists ? this.devServer.status : 'absent';
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.devServer.stop();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) {
      return;
    }
    this.destroyed = true;
    clearTimeout(this.idleTimer);
    await this.devServer.stop();
    await this.parts.unlink();
    if (this.isolation.active) {
      // Emptied from inside first: Forge's own recursive delete would follow a folder a
      // still-running sandboxed command swapped for a link.
      await runCommand('/usr/bin/find', [this.workspaceDir, '-mindepth', '1', '-delete'], {
        cwd: this.workspaceDir,
        env: this.isolation.env(processSandboxEnv(this.config.env)),
        timeoutMs: this.config.toolTimeoutMs,
        wrap: (command, args) => this.isolation.wrap(command, args, this.workspaceDir, 'tool'),
      }).catch(() => undefined);
    }
    await rm(this.workspaceDir, { recursive: true, force: true });
    this.log.append('system', 'sandbox destroyed');
    this.parts.onDestroyed();
  }

  /** Whom written files belong to: the sandbox's uid when Forge runs as root and isolates. */
  private sandboxOwner(): FileOwner | undefined {
    if (!this.isolation.changesOwner) {
      return undefined;
    }
    return { uid: this.config.sandboxUid, gid: this.config.sandboxGid };
  }

  private async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.destroyed) {
      throw new SandboxError('DESTROYED', `the sandbox of project ${this.projectId} was destroyed`);
    }
    this.active++;
    this.touch();
    try {
      return await work();
    } finally {
      this.active--;
      this.touch();
    }
  }

  private async stopWhenIdle(): Promise<void> {
    if (this.active > 0 || this.destroyed) {
      return;
    }
    if (this.devServer.status === 'stopped') {
      return;
    }
    this.log.append(
      'system',
      `stopping the dev server after ${this.config.idleTimeoutMs} ms without activity (idleTimeoutMs)`,
    );
    await this.devServer.stop();
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
