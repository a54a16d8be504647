import { bunInstallArgs } from '../core/bun-install';
import { TOOL_BIN_DIR } from '../core/project-tools';

/**
 * The commands the container providers run inside a sandbox. Each is an argv (never a string
 * through a shell: file paths and package names are passed as arguments, and the small POSIX sh
 * scripts below refer to them as "$0", "$1", ...). They run as the image's `sandbox` user.
 */

/** Where a project's files live inside the sandbox (a named volume or a PersistentVolumeClaim). */
export const WORKSPACE_DIR = '/workspace';
/** Where the image keeps the template with its node_modules (see image/Dockerfile). */
export const IMAGE_TEMPLATE_DIR = '/opt/forge/template';
/** Where pid files of running commands are written (a tmpfs, emptied when the container stops). */
export const RUN_DIR = '/tmp/forge';
/** The port the Vite dev server listens on inside the sandbox. */
export const DEV_SERVER_PORT = 5173;
/** Present once the template was copied into the workspace; node_modules/ is off limits to writes. */
export const TEMPLATE_MARKER = 'node_modules/.forge-template';
export const DEV_SERVER_PID_FILE = `${RUN_DIR}/dev-server.pid`;

/** Exit codes of the read and delete scripts. */
export const SCRIPT_EXIT = {
  escapesWorkspace: 3,
  missing: 4,
  notAFile: 5,
  tooLarge: 6,
} as const;

/**
 * Runs argv in the workspace after writing the shell's pid to `pidFile`, so that the command can
 * be stopped later by another exec (neither Docker nor Kubernetes can signal an exec).
 */
export function withPidFile(pidFile: string, argv: string[]): string[] {
  const script = 'mkdir -p "${0%/*}" && echo "$$" > "$0" && cd "$1" && shift && exec "$@"';
  return ['sh', '-c', script, pidFile, WORKSPACE_DIR, ...argv];
}

/** SIGTERM to the command behind `pidFile`, SIGKILL when it is still there after `graceMs`. */
export function killCommand(pidFile: string, graceMs = 800): string[] {
  const rounds = Math.max(1, Math.ceil(graceMs / 100));
  const script = [
    // A command stopped right after it was started may not have written its pid file yet.
    'i=0; while [ ! -s "$0" ] && [ "$i" -lt 10 ]; do sleep 0.1; i=$((i + 1)); done',
    'pid=$(cat "$0" 2>/dev/null) || exit 0',
    'kill -TERM "$pid" 2>/dev/null || exit 0',
    `i=0; while [ "$i" -lt ${rounds} ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done`,
    'kill -KILL "$pid" 2>/dev/null; exit 0',
  ].join('\n');
  return ['sh', '-c', script, pidFile];
}

/** Exits 0 when the command behind `pidFile` is still running. */
export function isAliveCommand(pidFile: string): string[] {
  return ['sh', '-c', 'pid=$(cat "$0" 2>/dev/null) && kill -0 "$pid" 2>/dev/null', pidFile];
}

/**
 * Prints a workspace file. Symbolic links are resolved first and a file outside the workspace is
 * refused (exit 3); exit 4 when it does not exist, 5 when it is not a regular file, 6 when it is
 * larger than maxBytes.
 */
export function readFileCommand(path: string, maxBytes: number): string[] {
  const script = [
    'root=$(realpath -e -- "$0") || exit 70',
    'target=$(realpath -e -- "$0/$1" 2>/dev/null) || exit 4',
    'case "$target" in "$root"/*) ;; *) exit 3 ;; esac',
    '[ -f "$target" ] || exit 5',
    '[ "$(wc -c < "$target")" -le "$2" ] || exit 6',
    'exec cat -- "$target"',
  ].join('\n');
  return ['sh', '-c', script, WORKSPACE_DIR, path, String(maxBytes)];
}

/**
 * Removes workspace files or folders. The folder holding each one is resolved first and must be
 * inside the workspace (exit 3 otherwise), so a symbolic link cannot aim the removal elsewhere;
 * a path whose folder does not exist is already gone.
 */
export function deleteFilesCommand(paths: string[]): string[] {
  const script = [
    'root=$(realpath -e -- "$0") || exit 70',
    'for p in "$@"; do',
    '  dir=$(realpath -e -- "$0/$(dirname -- "$p")" 2>/dev/null) || continue',
    '  case "$dir/" in "$root"/*) ;; *) echo "refused: $p leaves the workspace" >&2; exit 3 ;; esac',
    '  rm -rf -- "$dir/$(basename -- "$p")" || exit 1',
    'done',
  ].join('\n');
  return ['sh', '-c', script, WORKSPACE_DIR, ...paths];
}

/**
 * Copies the template (with its node_modules) into a new workspace once. Never overwrites: if
 * the marker were lost, the project's own files would still win over the template's.
 */
export function prepareWorkspaceCommand(): string[] {
  const script = [
    '[ -e "$0/$2" ] && exit 0',
    'cp -R -n --preserve=mode,timestamps "$1"/. "$0"/ && touch "$0/$2"',
  ].join('\n');
  return ['sh', '-c', script, WORKSPACE_DIR, IMAGE_TEMPLATE_DIR, TEMPLATE_MARKER];
}

/** `bun install`, or `bun add <specs>` when packages are asked for (specs checked by the caller). */
export function installCommand(specs: string[]): string[] {
  return ['bun', ...bunInstallArgs(specs)];
}

/**
 * The Vite dev server, listening on every interface so the runner (docker) or the Service
 * (kubernetes) reaches it. The flags win over the project's vite.config.ts. The app's own
 * variables (checked names, `appEnvEntries`) go through `env`, which execs node: neither
 * Docker's nor Kubernetes' exec API takes an environment for every platform alike.
 */
export function devServerCommand(appEnv: [string, string][] = []): string[] {
  const env = appEnv.length ? ['env', ...appEnv.map(([name, value]) => `${name}=${value}`)] : [];
  return [
    ...env,
    'node',
    'node_modules/vite/bin/vite.js',
    '--host',
    '0.0.0.0',
    '--port',
    String(DEV_SERVER_PORT),
    '--strictPort',
  ];
}

/**
 * Exits 0 when `name` (checked by checkToolArgv) is an executable file in the workspace's
 * node_modules/.bin, following its symbolic link; SCRIPT_EXIT.missing otherwise.
 */
export function toolExistsCommand(name: string): string[] {
  const script = `t="$0/${TOOL_BIN_DIR}/$1"; [ -f "$t" ] && [ -x "$t" ] || exit ${SCRIPT_EXIT.missing}`;
  return ['sh', '-c', script, WORKSPACE_DIR, name];
}

/** A project tool by its path in node_modules/.bin (run from the workspace by withPidFile). */
export function toolCommand(argv: readonly string[]): string[] {
  const [name, ...args] = argv;
  return [`${TOOL_BIN_DIR}/${name}`, ...args];
}
