import { checkPackageSpecs, installResult } from '../core/bun-install';
import { RewriteSpacing } from '../core/rewrite-spacing';
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
import { buildSiteInContainer } from './container-site-build';
import { checkToolArgv, finishToolRun, OutputTail, toolNotFound } from '../core/project-tools';
import type { ContainerBackend, ExecResult } from './container-backend';
import { ContainerDevServerSupervisor } from './container-dev-server-supervisor';
import {
  deleteFilesCommand,
  installCommand,
  readFileCommand,
  SCRIPT_EXIT,
  toolCommand,
  toolExistsCommand,
} from './sandbox-commands';
import { SandboxError } from '../core/sandbox-error';
import { SandboxLogBuffer } from '../core/sandbox-log';
import { runStoppable } from './stoppable-command';
import { workspaceTar } from './workspace-tar';
import { checkPaths, WORKSPACE_LIMITS } from '../core/workspace-limits';

export interface ContainerSandboxOptions {
  /** Stop the container after this long without a call; 0 keeps it running. */
  idleTimeoutMs: number;
  installTimeoutMs: number;
  /** Longest run of a project tool that does not give its own timeoutMs. */
  toolTimeoutMs: number;
  devServerStartTimeoutMs: number;
  logLines: number;
  /** Told when the sandbox is destroyed, so its provider forgets it. */
  onDestroyed?: () => void;
}

/**
 * A Sandbox on a container platform (Docker or Kubernetes, behind ContainerBackend): files go in
 * as a tar, everything else runs as commands in the container. Any call wakes a stopped
 * container; after idleTimeoutMs without calls it is stopped again.
 */
export class ContainerSandbox<B extends ContainerBackend = ContainerBackend> implements Sandbox {
  private readonly log: SandboxLogBuffer;
  /** Replacing one file twice in quick succession would slip past Vite's watcher. */
  private readonly rewrites = new RewriteSpacing();
  private readonly devServer: ContainerDevServerSupervisor;
  private waking?: Promise<boolean>;
  private active = 0;
  private idleTimer?: NodeJS.Timeout;
  private destroyed = false;

  constructor(
    readonly projectId: string,
    readonly backend: B,
    private readonly options: ContainerSandboxOptions,
  ) {
    this.log = new SandboxLogBuffer(options.logLines);
    this.devServer = new ContainerDevServerSupervisor(
      backend,
      this.log,
      options.devServerStartTimeoutMs,
    );
  }

  async writeFiles(files: SandboxFile[]): Promise<void> {
    if (files.length === 0) {
      return;
    }
    const tar = await workspaceTar(files);
    await this.use(() =>
      this.rewrites.space(
        files.map((file) => file.path),
        () => this.backend.putArchive(tar),
      ),
    );
  }

  async deleteFiles(paths: string[]): Promise<void> {
    checkPaths(paths);
    if (paths.length === 0) {
      return;
    }
    const result = await this.use(() => this.backend.exec({ argv: deleteFilesCommand(paths) }));
    if (result.exitCode === SCRIPT_EXIT.escapesWorkspace) {
      throw new SandboxError('PATH_ESCAPES_WORKSPACE', stderrOf(result));
    }
    if (result.exitCode !== 0) {
      throw commandFailed('deleting files', result);
    }
  }

  async readFile(path: string): Promise<string | null> {
    checkPaths([path]);
    const max = WORKSPACE_LIMITS.maxFileBytes;
    const result = await this.use(() =>
      this.backend.exec({ argv: readFileCommand(path, max), maxOutputBytes: max + 1 }),
    );
    switch (result.exitCode) {
      case 0:
        return result.stdout.toString('utf8');
      case SCRIPT_EXIT.missing:
        return null;
      case SCRIPT_EXIT.escapesWorkspace:
        throw new SandboxError('PATH_ESCAPES_WORKSPACE', `${path} leads outside the workspace`);
      case SCRIPT_EXIT.notAFile:
        throw new SandboxError('NOT_A_FILE', `${path} is not a regular file`);
      case SCRIPT_EXIT.tooLarge:
        throw new SandboxError(
          'FILE_TOO_LARGE',
          `${path} is larger than the limit (maxFileBytes) of ${max} bytes`,
        );
      default:
        throw commandFailed(`reading ${path}`, result);
    }
  }

  async install(packages: string[] = [], options: CommandOptions = {}): Promise<InstallResult> {
    const specs = checkPackageSpecs(packages);
    return this.use(async () => {
      const argv = installCommand(specs);
      this.log.append('system', `running ${argv.join(' ')}`);
      const writers = {
        stdout: this.log.lineWriter('install'),
        stderr: this.log.lineWriter('install'),
      };
      const tail: Buffer[] = [];
      const result = await runStoppable(this.backend, argv, {
        name: 'install',
        signal: options.signal,
        timeoutMs: this.options.installTimeoutMs,
        onOutput: (stream, chunk) => {
          writers[stream].write(chunk);
          tail.push(chunk);
        },
      });
      writers.stdout.flush();
      writers.stderr.flush();
      const output = Buffer.concat(tail).toString('utf8');
      const install = installResult(specs, { ...result, output }, this.options.installTimeoutMs);
      this.log.append(
        'system',
        `${argv.join(' ')} ${install.ok ? 'succeeded' : `failed (${install.exitCode})`}`,
      );
      return install;
    });
  }

  async runTool(argv: string[], options: RunToolOptions = {}): Promise<ToolResult> {
    const name = checkToolArgv(argv);
    const timeoutMs = options.timeoutMs ?? this.options.toolTimeoutMs;
    return this.use(async () => {
      const found = await this.backend.exec({ argv: toolExistsCommand(name) });
      if (found.exitCode === SCRIPT_EXIT.missing) {
        throw toolNotFound(name);
      }
      if (found.exitCode !== 0) {
        throw commandFailed(`looking for ${name}`, found);
      }
      this.log.append('system', `running ${argv.join(' ')}`);
      const tail = new OutputTail();
      const result = await runStoppable(this.backend, toolCommand(argv), {
        name: 'tool',
        signal: options.signal,
        timeoutMs,
        onOutput: (_stream, chunk) => tail.add(chunk),
      });
      return finishToolRun(this.log, name, result, timeoutMs, tail);
    });
  }

  buildSite(files: SandboxFile[], options: SiteBuildOptions): Promise<SiteBuildResult> {
    return this.use(() => buildSiteInContainer(this.backend, this.log, files, options));
  }

  async startDevServer(options: CommandOptions = {}): Promise<DevServer> {
    return this.use(() => this.devServer.start(options.signal));
  }

  async setAppEnv(env: Record<string, string>, options: CommandOptions = {}): Promise<boolean> {
    if (!this.devServer.setAppEnv(env)) {
      return false;
    }
    return this.use(async () => {
      await this.devServer.restart(options.signal);
      return true;
    });
  }

  logs(since?: number): SandboxLogLine[] {
    return this.log.since(since);
  }

  async status(): Promise<SandboxStatus> {
    if (this.destroyed) {
      return 'absent';
    }
    const state = await this.backend.state();
    return state === 'running' ? this.devServer.status() : state;
  }

  async stop(): Promise<void> {
    this.clearIdleTimer();
    this.devServer.reset();
    await this.backend.stop();
    this.devServer.reset();
    this.log.append('system', 'sandbox stopped; the files stay');
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.clearIdleTimer();
    this.devServer.reset();
    await this.backend.destroy();
    this.options.onDestroyed?.();
  }

  /** Creates or starts the container now rather than on the first call. */
  async wake(): Promise<void> {
    await this.use(async () => undefined);
  }

  /** Wakes the container when needed and counts the call as activity for the idle timer. */
  private async use<T>(work: () => Promise<T>): Promise<T> {
    if (this.destroyed) {
      throw new SandboxError('DESTROYED', `the sandbox of project ${this.projectId} was destroyed`);
    }
    this.active++;
    this.clearIdleTimer();
    try {
      this.waking ??= this.backend.ensureRunning().finally(() => (this.waking = undefined));
      if (await this.waking) {
        this.devServer.containerStarted();
        this.log.append('system', 'sandbox started');
      }
      return await work();
    } finally {
      this.active--;
      this.scheduleIdleStop();
    }
  }

  private scheduleIdleStop(): void {
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs <= 0 || this.active > 0 || this.destroyed) {
      return;
    }
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      if (this.active > 0 || this.destroyed) {
        return;
      }
      this.log.append('system', `no activity for ${idleMs} ms (idleTimeoutMs): stopping`);
      this.stop().catch((error: unknown) =>
        this.log.append('system', `stopping the idle sandbox failed: ${String(error)}`),
      );
    }, idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
    }
    this.idleTimer = undefined;
  }
}

function stderrOf(result: ExecResult): string {
  return result.stderr.toString('utf8').trim();
}

function commandFailed(what: string, result: ExecResult): SandboxError {
  return new SandboxError(
    'COMMAND_FAILED',
    `${what} failed (exit code ${result.exitCode}): ${stderrOf(result) || 'no output'}`,
  );
}
