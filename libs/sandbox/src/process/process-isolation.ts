import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import { sandboxSeccompFilter } from './seccomp-filter';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { lchown, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SandboxError } from '../core/sandbox-error';

/** on: isolate or refuse to start; auto: isolate where bubblewrap works; off: never. */
export type ProcessIsolationMode = 'auto' | 'on' | 'off';

/** What a wrapped command is, for its limits: only installs and checks get a CPU-time cap. */
export type SandboxedCommandKind = 'dev' | 'install' | 'tool';

export interface ProcessIsolationOptions {
  mode: ProcessIsolationMode;
  /** The host uid and gid sandboxed commands run as when Forge runs as root. */
  uid: number;
  gid: number;
  /** RLIMIT_DATA of each sandboxed process, in MB (0: none). */
  memoryMb: number;
  /** RLIMIT_NPROC of a sandbox: processes and threads of its own user namespace (0: none). */
  pidsMax: number;
  /** RLIMIT_CPU of an install or a check, in CPU seconds (0: none). */
  cpuSeconds: number;
  /** Size of a sandbox's private /tmp, in MB. */
  tmpMb: number;
  /** Files or folders outside /usr a sandbox needs to read (the node and bun binaries). */
  readOnlyPaths: string[];
}

export interface IsolationStatus {
  isolated: boolean;
  /** Why not, when not isolated; how, when isolated. */
  detail: string;
}

export interface WrappedCommand {
  command: string;
  args: string[];
  /** The seccomp filter bubblewrap reads from fd 3 (--seccomp 3); spawn with spawnWrapped. */
  seccomp?: Buffer;
}

/** The fd on which bubblewrap reads the seccomp filter. */
const SECCOMP_FD = 3;

/** Spawns a (perhaps) wrapped command, handing bubblewrap its seccomp filter on fd 3. */
export function spawnWrapped(
  wrapped: WrappedCommand,
  options: SpawnOptions & { stdio: ['ignore', 'pipe', 'pipe'] },
): ChildProcess {
  if (!wrapped.seccomp) {
    return spawn(wrapped.command, wrapped.args, options);
  }
  const child = spawn(wrapped.command, wrapped.args, {
    ...options,
    stdio: [...options.stdio, 'pipe'],
  });
  const filter = child.stdio[SECCOMP_FD] as Writable | null;
  // A sandbox that died at once closes the pipe early; its exit tells the caller.
  filter?.on('error', () => undefined);
  filter?.end(wrapped.seccomp);
  return child;
}

/** The uid a sandbox sees as its own inside its user namespace. */
const INNER_ID = 1000;
const PROBE_TIMEOUT_MS = 10_000;
/** /etc files a sandbox reads (name resolution, TLS roots, time zone); nothing else of /etc. */
const ETC_PATHS = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/localtime',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/alternatives',
];
const TOP_LEVEL_LINKS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * Runs a process sandbox's commands under bubblewrap: their own mount, PID, IPC, UTS and user
 * namespaces, an unprivileged uid with no capabilities and no new privileges, a file system of
 * /usr, a few /etc files, the toolchain and the workspace (the only writable place), a private
 * /tmp, and rlimits. The network namespace is the host's (dev servers are reached on loopback,
 * installs reach the registry).
 *
 * As root, bubblewrap runs twice: as root it builds the mounts (it can reach a workspace under
 * a private data folder), then setpriv drops to `uid` and an unprivileged bubblewrap adds the
 * user namespace and forbids further ones. As another user one unprivileged bubblewrap does it
 * all, and the sandbox runs as that user's uid.
 */
export class ProcessIsolation {
  private probed?: Promise<IsolationStatus>;
  private current?: IsolationStatus;
  readonly asRoot = process.getuid?.() === 0;
  private readonly seccomp = sandboxSeccompFilter();

  constructor(readonly options: ProcessIsolationOptions) {}

  /** Whether commands are isolated; known after ready(). */
  get active(): boolean {
    return this.current?.isolated === true;
  }

  /** True when written files must be handed to the sandbox's uid. */
  get changesOwner(): boolean {
    return this.active && this.asRoot;
  }

  get status(): IsolationStatus | undefined {
    return this.current;
  }

  /** Probes bubblewrap once; with mode 'on' a failed probe throws ISOLATION_UNAVAILABLE. */
  ready(): Promise<IsolationStatus> {
    this.probed ??= this.probe().then((status) => {
      this.current = status;
      if (!status.isolated && this.options.mode === 'on') {
        throw new SandboxError(
          'ISOLATION_UNAVAILABLE',
          `process sandbox isolation is required (SANDBOX_PROCESS_ISOLATION=on) but unavailable: ${status.detail}`,
        );
      }
      return status;
    });
    return this.probed;
  }

  /** A sandboxed command's environment: its home, caches and temp files in its private /tmp. */
  env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (!this.active) {
      return base;
    }
    const env: NodeJS.ProcessEnv = {
      ...base,
      HOME: '/tmp',
      TMPDIR: '/tmp',
      XDG_CACHE_HOME: '/tmp/.cache',
      BUN_INSTALL_CACHE_DIR: '/tmp/.bun-cache',
    };
    delete env.BUN_INSTALL;
    return env;
  }

  /** The command line that runs `command` in the sandbox of `workspaceDir` (as is when off). */
  wrap(
    command: string,
    args: readonly string[],
    workspaceDir: string,
    kind: SandboxedCommandKind,
  ): WrappedCommand {
    if (!this.active) {
      return { command, args: [...args] };
    }
    return this.wrapAlways(command, args, workspaceDir, kind);
  }

  /**
   * Gives a new workspace to the sandbox's uid: its folders and its own files. Files with more
   * than one link are the prepared template's, shared by every workspace: they stay Forge's,
   * read-only to sandboxes, so no sandbox can change another's packages.
   */
  async prepareWorkspace(dir: string): Promise<void> {
    if (!this.changesOwner) {
      return;
    }
    const { uid, gid } = this.options;
    const walk = async (path: string): Promise<void> => {
      const info = await lstat(path);
      if (info.isDirectory()) {
        const entries = await readdir(path);
        for (let i = 0; i < entries.length; i += 64) {
          await Promise.all(entries.slice(i, i + 64).map((name) => walk(join(path, name))));
        }
      } else if (info.nlink > 1 && info.isFile()) {
        return;
      }
      if (info.uid !== uid || info.gid !== gid) {
        await lchown(path, uid, gid);
      }
    };
    await walk(dir);
  }

  private wrapAlways(
    command: string,
    args: readonly string[],
    workspaceDir: string,
    kind: SandboxedCommandKind,
  ): WrappedCommand {
    const { memoryMb, pidsMax, cpuSeconds, tmpMb } = this.options;
    const limits = ['--core=0'];
    if (memoryMb > 0) {
      limits.push(`--data=${memoryMb * 1024 * 1024}`);
    }
    if (pidsMax > 0) {
      limits.push(`--nproc=${pidsMax}`);
    }
    if (cpuSeconds > 0 && kind !== 'dev') {
      limits.push(`--cpu=${cpuSeconds}`);
    }
    const limited = [PRLIMIT, ...limits, '--', command, ...args];

    const mounts: string[] = ['--ro-bind', '/usr', '/usr'];
    for (const path of TOP_LEVEL_LINKS) {
      mounts.push(...topLevel(path));
    }
    // Folders bubblewrap makes on the way to a mount are private (0700) unless made first.
    mounts.push('--perms', '0755', '--dir', '/etc');
    for (const path of ETC_PATHS) {
      mounts.push('--ro-bind-try', path, path);
    }
    mounts.push('--proc', '/proc', '--dev', '/dev');
    mounts.push('--size', String(tmpMb * 1024 * 1024), '--tmpfs', '/tmp');
    const seen = new Set<string>();
    for (const path of this.options.readOnlyPaths) {
      if (path.startsWith('/usr/')) {
        continue;
      }
      mounts.push(...parents(path, seen), '--ro-bind', path, path);
    }
    mounts.push(...parents(workspaceDir, seen), '--bind', workspaceDir, workspaceDir);

    const inner = ['--die-with-parent', '--new-session', '--unshare-user', '--disable-userns'];
    if (this.seccomp) {
      inner.push('--seccomp', String(SECCOMP_FD));
    }
    inner.push('--uid', String(INNER_ID), '--gid', String(INNER_ID));
    const seccomp = this.seccomp ?? undefined;
    if (!this.asRoot) {
      return {
        seccomp,
        command: BWRAP,
        args: [
          ...inner,
          '--unshare-pid',
          '--unshare-ipc',
          '--unshare-uts',
          '--hostname',
          'sandbox',
          '--unshare-cgroup-try',
          ...mounts,
          '--chdir',
          workspaceDir,
          '--',
          ...limited,
        ],
      };
    }
    const { uid, gid } = this.options;
    return {
      seccomp,
      command: BWRAP,
      args: [
        '--die-with-parent',
        '--unshare-pid',
        '--unshare-ipc',
        '--unshare-uts',
        '--hostname',
        'sandbox',
        '--unshare-cgroup-try',
        ...mounts,
        '--',
        SETPRIV,
        `--reuid=${uid}`,
        `--regid=${gid}`,
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        '--',
        BWRAP,
        ...inner,
        // Mounts made in the user namespace: /dev again, as one bound from outside it is not
        // usable there; proc stays the outer one (of the sandbox's own PID namespace).
        '--bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--chdir',
        workspaceDir,
        '--',
        ...limited,
      ],
    };
  }

  private async probe(): Promise<IsolationStatus> {
    if (this.options.mode === 'off') {
      return { isolated: false, detail: 'turned off (SANDBOX_PROCESS_ISOLATION=off)' };
    }
    if (process.platform !== 'linux') {
      return { isolated: false, detail: `bubblewrap needs Linux; this is ${process.platform}` };
    }
    for (const tool of [BWRAP, SETPRIV, PRLIMIT]) {
      if (!existsSync(tool)) {
        const hint = tool === BWRAP ? ' (Debian: apt-get install bubblewrap)' : '';
        return { isolated: false, detail: `${tool} is missing${hint}` };
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'forge-isolation-probe-'));
    try {
      if (this.asRoot) {
        await lchown(dir, this.options.uid, this.options.gid);
      }
      const wrapped = this.wrapAlways('/usr/bin/touch', ['probe'], dir, 'tool');
      const failure = await new Promise<string | null>((resolve) => {
        const child = spawnWrapped(wrapped, { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
        child.on('error', (error) => {
          clearTimeout(timer);
          resolve(error.message);
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve(code === 0 ? null : stderr.trim().split('\n').pop() || `exit code ${code}`);
        });
      });
      if (failure) {
        return { isolated: false, detail: `bubblewrap does not work here: ${failure}` };
      }
      const who = this.asRoot ? `uid ${this.options.uid}` : `this user's uid`;
      const filter = this.seccomp
        ? 'a seccomp filter'
        : `no seccomp filter (none for ${process.arch})`;
      return {
        isolated: true,
        detail: `bubblewrap namespaces, ${who}, no capabilities, ${filter}`,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const BWRAP = firstExisting(['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap']);
const SETPRIV = firstExisting(['/usr/bin/setpriv', '/bin/setpriv']);
const PRLIMIT = firstExisting(['/usr/bin/prlimit', '/bin/prlimit']);

function firstExisting(paths: string[]): string {
  return paths.find((path) => existsSync(path)) ?? paths[0]!;
}

/** /bin, /lib, ... as the host has them: a link into /usr, or a folder bound read-only. */
function topLevel(path: string): string[] {
  try {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) {
      return ['--symlink', readlinkSync(path), path];
    }
    if (info.isDirectory()) {
      return ['--ro-bind', path, path];
    }
  } catch {
    // The host has no such folder.
  }
  return [];
}

/** Folders above `path` made (0755) in the sandbox's root, so its own uid can walk to it. */
function parents(path: string, seen: Set<string>): string[] {
  const chain: string[] = [];
  for (let dir = dirname(path); dir !== '/' && dir !== '.'; dir = dirname(dir)) {
    chain.unshift(dir);
  }
  const args: string[] = [];
  for (const dir of chain) {
    if (seen.has(dir) || dir === '/tmp' || dir === '/usr' || dir.startsWith('/usr/')) {
      continue;
    }
    seen.add(dir);
    args.push('--perms', '0755', '--dir', dir);
  }
  return args;
}

/** The real path of a binary, for binding it into sandboxes. */
export function realBinary(path: string): string {
  return realpathSync(path);
}
