/**
 * Which type-check and build the checks after a phase run: the app's own, read from its
 * `package.json` build script and its `tsconfig.json`, never the starter's assumptions. An app
 * brought in whole (a real repository's `tsc -p tsconfig.build.json && vite build`) is checked as
 * its own `npm run build` would check it, without writing anything its dev server would see.
 */
export interface CheckCommands {
  /** The type-check (never emits), or null when the app has no TypeScript project. */
  typeCheck: string[] | null;
  /** The builds, each into a folder under node_modules that neither Vite's watcher nor downloads see. */
  builds: string[][];
}

/** Where a check's build goes: not the app's own outDir, which its dev server or a zip may see. */
export const CHECK_OUT_DIR = 'node_modules/.forge-check';
const TYPE_CHECK_FLAGS = ['--noEmit', '--pretty', 'false'];
/**
 * Where a type-check that is not a `tsc -b` keeps its incremental state: out of the project's
 * files (a `tsc -b` keeps it where the app's tsconfigs say, as the app's own build does).
 */
export const CHECK_TSBUILDINFO_DIR = 'node_modules/.forge-tsc';
const BUILD_FLAGS = ['--outDir', CHECK_OUT_DIR, '--emptyOutDir', '--logLevel', 'error'];
/** Options of the app's own command that the check replaces, with whether they take a value. */
const TSC_DROPPED = new Map([
  ['--noEmit', false],
  ['--pretty', true],
  ['--watch', false],
  ['-w', false],
  ['--listFiles', false],
  ['--verbose', false],
]);
const VITE_DROPPED = new Map([
  ['--outDir', true],
  ['--emptyOutDir', false],
  ['--logLevel', true],
  ['-l', true],
  ['--watch', false],
  ['-w', false],
]);
/** Wrappers that only set the environment of the command they run. */
const ENV_WRAPPERS = new Set(['cross-env', 'env']);
const UNREADABLE_SEGMENT = /[|;<>$`'"\\]|\|\||(?<!&)&(?!&)/;

/** The app's checks from its manifest and tsconfig (their text, null when absent). */
export function checkCommands(manifest: string | null, tsconfig: string | null): CheckCommands {
  let typeCheck: string[] | null = null;
  const builds: string[][] = [];
  for (const argv of buildScriptCommands(manifest)) {
    const [tool, ...args] = argv;
    if (tool === 'tsc' && !typeCheck) {
      typeCheck = ['tsc', ...without(args, TSC_DROPPED), ...TYPE_CHECK_FLAGS];
    } else if (tool === 'vite' && args[0] === 'build') {
      builds.push(['vite', 'build', ...without(args.slice(1), VITE_DROPPED), ...BUILD_FLAGS]);
    }
  }
  typeCheck ??= tsconfigTypeCheck(tsconfig);
  if (typeCheck) {
    typeCheck = incremental(typeCheck);
  }
  if (builds.length === 0) {
    builds.push(['vite', 'build', ...BUILD_FLAGS]);
  }
  return { typeCheck, builds };
}

/**
 * The commands of `scripts.build`, split at `&&`, each as its words with leading `VAR=value`
 * assignments and env wrappers removed. A part with other shell syntax (pipes, quotes,
 * substitutions) is left out: nothing here ever runs a shell, and guessing its words would be
 * wrong.
 */
export function buildScriptCommands(manifest: string | null): string[][] {
  const script = buildScript(manifest);
  if (!script) {
    return [];
  }
  const commands: string[][] = [];
  for (const part of script.split('&&')) {
    if (UNREADABLE_SEGMENT.test(part)) {
      continue;
    }
    const words = part.trim().split(/\s+/).filter(Boolean);
    while (words.length && (ENV_WRAPPERS.has(words[0]!) || /^[A-Za-z_]\w*=/.test(words[0]!))) {
      words.shift();
    }
    if (words.length) {
      commands.push(words);
    }
  }
  return commands;
}

function buildScript(manifest: string | null): string | null {
  if (!manifest) {
    return null;
  }
  try {
    const parsed = JSON.parse(manifest) as { scripts?: Record<string, unknown> };
    const script = parsed.scripts?.build;
    return typeof script === 'string' ? script : null;
  } catch {
    return null;
  }
}

/** Without a tsc in the build script: the project tsconfig.json declares, as tsc reads it. */
function tsconfigTypeCheck(tsconfig: string | null): string[] | null {
  if (tsconfig === null) {
    return null;
  }
  const parsed = parseJsonc(tsconfig);
  const references = parsed && Array.isArray(parsed.references) ? parsed.references : [];
  // A solution file (`files: []` + references) checks nothing with -p: build its references.
  return references.length > 0
    ? ['tsc', '-b', ...TYPE_CHECK_FLAGS]
    : ['tsc', '-p', 'tsconfig.json', ...TYPE_CHECK_FLAGS];
}

/**
 * The type-check made incremental: the next check after a phase re-checks only what changed
 * (and skips a referenced project none of whose files changed), with the same errors a full
 * check reports. A `tsc -b` keeps its state where the app's tsconfigs say, as its own build
 * does; any other keeps it under node_modules, never among the project's files.
 */
function incremental(argv: string[]): string[] {
  if (argv.some((arg) => arg.startsWith('--incremental'))) {
    return argv;
  }
  const kept = ['-b', '--build', '--tsBuildInfoFile'].some((flag) => argv.includes(flag));
  if (kept) {
    return [...argv, '--incremental'];
  }
  const project = argv.findIndex((arg) => arg === '-p' || arg === '--project');
  const name = (project === -1 ? undefined : argv[project + 1]) ?? 'tsconfig.json';
  const file = name.replace(/\.json$/, '').replace(/[^\w.-]/g, '_');
  return [
    ...argv,
    '--incremental',
    '--tsBuildInfoFile',
    `${CHECK_TSBUILDINFO_DIR}/${file}.tsbuildinfo`,
  ];
}

function without(args: string[], dropped: Map<string, boolean>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [name] = args[i]!.split('=', 1) as [string];
    const takesValue = dropped.get(name);
    if (takesValue === undefined) {
      kept.push(args[i]!);
    } else if (takesValue && !args[i]!.includes('=')) {
      i++;
    }
  }
  return kept;
}

/** tsconfig.json is JSON with comments and trailing commas; null when it is not even that. */
export function parseJsonc(text: string): Record<string, unknown> | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          i++;
        }
      }
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') {
        i++;
      }
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  try {
    const value: unknown = JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
