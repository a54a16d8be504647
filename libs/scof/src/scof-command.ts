import { charCode } from './char-code';
import { findHeredoc, readHeredocCommand, UNKNOWN_MARKER, type Heredoc } from './scof-heredoc';
import { stripDotSlash } from './scof-validation';
import { REDIRECTIONS, splitShellWords, type ShellToken } from './shell-words';

/** One command read from a line outside blocks. Paths and package specs are not yet checked. */
export type ScofCommand =
  | { kind: 'write'; path: string; heredoc: Heredoc }
  /** `base64 -d > path << MARKER`: a binary file, its content base64. */
  | { kind: 'binary'; path: string; heredoc: Heredoc }
  | { kind: 'patch'; path: string | undefined; heredoc: Heredoc }
  | { kind: 'skip'; heredoc: Heredoc; message: string }
  | { kind: 'delete'; paths: string[] }
  | { kind: 'install'; specs: string[] }
  /** An install with shell syntax in its package list: refused whole. */
  | { kind: 'unsafe-install'; message: string }
  /** A line that cannot be read; heredoc: the one it opens anyway, whose content is skipped. */
  | { kind: 'malformed'; message: string; heredoc?: Heredoc };

/**
 * Command words whose lines are read. Anything else outside a block (prose, `npm run dev`,
 * `curl … | sh`) is chatter and ignored without an error: no command is ever run, so ignoring is
 * safe, and an error for every sentence of prose would drown the real ones. The commands that only
 * matter for their heredoc (python, tee…) are listed so that their content is skipped, never read
 * as commands.
 */
const KNOWN_COMMANDS = new Set(
  (
    'cat patch git rm npm bun yarn pnpm cd mkdir touch echo printf tee sh bash zsh python python3 ' +
    'node deno npx bunx sed awk perl ruby mv cp ed base64'
  ).split(' '),
);

/** The known commands by initial ('a' + i): a word is looked up without being sliced or hashed. */
const COMMANDS_BY_INITIAL: string[][] = Array.from({ length: 26 }, () => []);
for (const name of KNOWN_COMMANDS) {
  COMMANDS_BY_INITIAL[name.charCodeAt(0) - 97]!.push(name);
}

/** Bit i set: some known command starts with the letter 'a' + i. */
const COMMAND_INITIALS = [...KNOWN_COMMANDS].reduce(
  (bits, name) => bits | (1 << (name.charCodeAt(0) - 97)),
  0,
);

/**
 * Whether a line starting with this character may hold a command: the initial of a known command
 * (in either case), a `$ ` prompt, or blanks before them. Other lines outside blocks (most prose,
 * fences, `#` comments, bullets) can be skipped as they stream, without being held.
 */
export function mayStartCommand(c: number): boolean {
  const letter = (c | 32) - 97;
  if (letter >= 0 && letter < 26) {
    return (COMMAND_INITIALS & (1 << letter)) !== 0;
  }
  return c === 36 || c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

const INSTALL_SUBCOMMANDS = new Map<string, ReadonlySet<string>>([
  ['npm', new Set(['install', 'i', 'in', 'add'])],
  ['bun', new Set(['add', 'a', 'install', 'i'])],
  ['yarn', new Set(['add'])],
  ['pnpm', new Set(['add', 'install', 'i'])],
]);

/** Install options that change nothing for us (dev or exact); any other `-x` is refused. */
const IGNORED_INSTALL_FLAGS = new Set(
  '-d -D --dev --save-dev -S --save -E --exact --save-exact -P --save-prod --prod'.split(' '),
);

/**
 * The block lines most answers are made of (`cat > src/App.tsx << 'EOF'`, the same with the
 * marker first, `cat << 'EOF' | patch src/main.tsx`), read without the tokenizer. Only
 * characters that mean nothing to a shell are accepted here; any other line takes the general
 * path, which gives the same result for the lines these match (a property test checks it).
 */
const BLANK = '[ \\t]*';
const TARGET = String.raw`([\w@.+-][\w@./+-]*)`;
const MARKER = String.raw`(?:'([\w.-]+)'|"([\w.-]+)"|([A-Za-z_][\w.-]*))`;
const CANONICAL_LINES: {
  kind: 'write' | 'patch';
  regex: RegExp;
  target: number;
  marker: number;
}[] = [
  {
    kind: 'write',
    regex: new RegExp(`^cat${BLANK}>${BLANK}${TARGET}${BLANK}<<${BLANK}${MARKER}$`, 'i'),
    target: 1,
    marker: 2,
  },
  {
    kind: 'write',
    regex: new RegExp(`^cat${BLANK}<<${BLANK}${MARKER}${BLANK}>${BLANK}${TARGET}$`, 'i'),
    target: 4,
    marker: 1,
  },
  {
    kind: 'patch',
    regex: new RegExp(
      `^cat${BLANK}<<${BLANK}${MARKER}${BLANK}\\|${BLANK}patch(?:[ \\t]+-p\\d)?[ \\t]+(?!-)${TARGET}$`,
      'i',
    ),
    target: 4,
    marker: 1,
  },
];
const SEPARATORS = new Set([';', '&&', '||', '&']);

/**
 * Reads one line found outside a block, without its line ending and trimmed. Returns the commands
 * in it, in order (a chained line such as `cd app && bun add zustand` gives several); at most one
 * of them opens a block.
 */
export function readCommandLine(line: string): ScofCommand[] {
  return readCommandRange(line, 0, line.length);
}

/**
 * readCommandLine for line[start, end) (trimmed), sliced only once its first word is a known
 * command: most lines read outside blocks are prose, dismissed by that word.
 */
export function readCommandRange(line: string, start: number, end: number): ScofCommand[] {
  if (line.startsWith('$ ', start) && start + 2 <= end) {
    line = line.slice(start + 2, end).trimStart();
    start = 0;
    end = line.length;
  }
  const name = knownCommand(line, start, end);
  if (name === undefined) {
    return [];
  }
  if (start !== 0 || end !== line.length) {
    line = line.slice(start, end);
  }
  const canonical = name === 'cat' ? readCanonicalLine(line) : undefined;
  return canonical === undefined ? readShellLine(line) : [canonical];
}

/**
 * The known command that line[start, end) starts with, lower case, when it stands alone as the
 * first word (`npm's` is prose, not npm); undefined for any other line.
 */
function knownCommand(line: string, start: number, end: number): string | undefined {
  const first = charCode(line, start) | 32;
  if (start >= end || first < 97 || first > 122) {
    return undefined;
  }
  let upper = charCode(line, start) !== first;
  let wordEnd = start + 1;
  let c = 0;
  while (wordEnd < end && isWordChar((c = charCode(line, wordEnd)))) {
    if (c >= 65 && c <= 90) {
      upper = true;
    }
    wordEnd++;
  }
  if (wordEnd < end && !endsCommandWord(charCode(line, wordEnd))) {
    return undefined;
  }
  const length = wordEnd - start;
  for (const name of COMMANDS_BY_INITIAL[first - 97]!) {
    if (name.length !== length) {
      continue;
    }
    // The word is ASCII: it is lowered (a copy) only when it has capitals.
    if (upper ? line.slice(start, wordEnd).toLowerCase() === name : line.startsWith(name, start)) {
      return name;
    }
  }
  return undefined;
}

/** What may follow a command word: a blank, a redirection or an operator (or the line end). */
function endsCommandWord(c: number): boolean {
  // ' ' '\t' '>' '<' '|' '&' ';'
  return c === 32 || c === 9 || c === 62 || c === 60 || c === 124 || c === 38 || c === 59;
}

/** [A-Za-z0-9_.-] */
function isWordChar(c: number): boolean {
  const lower = c | 32;
  return (lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** The fast path for the usual block lines; undefined for any other line. */
export function readCanonicalLine(line: string): ScofCommand | undefined {
  for (const { kind, regex, target, marker } of CANONICAL_LINES) {
    const match = regex.exec(line);
    if (match === null) {
      continue;
    }
    const heredoc = {
      marker: (match[marker] ?? match[marker + 1] ?? match[marker + 2])!,
      stripTabs: false,
    };
    return { kind, path: stripDotSlash(match[target]!), heredoc };
  }
  return undefined;
}

/** The general path: shell words, chained commands, heredocs in any form. */
export function readShellLine(line: string): ScofCommand[] {
  const tokens = splitShellWords(line);
  if (typeof tokens === 'string') {
    const heredoc = findHeredoc(line);
    return [{ kind: 'malformed', message: tokens, ...(heredoc && { heredoc }) }];
  }
  if (!tokens.some((t) => t.operator)) {
    return readSimpleCommand(tokens, undefined);
  }

  const commands: ScofCommand[] = [];
  let heredocSeen = false;
  for (const { pipeline, separator } of splitOnSeparators(tokens)) {
    const here = pipeline.findIndex((t) => t.operator && (t.text === '<<' || t.text === '<<-'));
    if (here === -1) {
      commands.push(...readSimpleCommand(pipeline, separator));
      continue;
    }
    const markerToken = pipeline[here + 1];
    if (markerToken === undefined || markerToken.operator || markerToken.text === '') {
      const message = 'a heredoc (<<) has no marker';
      commands.push({ kind: 'malformed', message, heredoc: UNKNOWN_MARKER });
      continue;
    }
    const heredoc = { marker: markerToken.text, stripTabs: pipeline[here]!.text === '<<-' };
    if (heredocSeen) {
      commands.push({ kind: 'malformed', message: 'only one heredoc per line is read', heredoc });
      continue;
    }
    heredocSeen = true;
    const rest = [...pipeline.slice(0, here), ...pipeline.slice(here + 2)];
    commands.push(readHeredocCommand(rest, heredoc));
  }
  return commands;
}

/**
 * A command outside heredocs; separator: the `;`, `&&`, `||` or `&` that follows it, if any. An
 * install is refused whole when anything but words follows its subcommand (an operator, a
 * redirection, the separator of a next command) or a word holds `$` or a backtick (an expansion
 * or substitution to a shell): such a line is not a package list, and half of it installed is
 * worse than none.
 */
function readSimpleCommand(tokens: ShellToken[], separator: string | undefined): ScofCommand[] {
  const words: string[] = [];
  let syntax = separator;
  for (let i = 0; i < tokens.length; i++) {
    if (!tokens[i]!.operator) {
      words.push(tokens[i]!.text);
      continue;
    }
    syntax ??= tokens[i]!.text;
    // A redirection's target is not an argument; `|` and here-strings end what we read.
    if (REDIRECTIONS.has(tokens[i]!.text)) {
      i++;
    } else {
      break;
    }
  }
  const [command, ...args] = words;
  if (command === 'rm') {
    const endOfOptions = args.indexOf('--');
    const paths = args.filter(
      (arg, i) => (endOfOptions !== -1 && i > endOfOptions) || !arg.startsWith('-'),
    );
    return paths.length === 0 ? [] : [{ kind: 'delete', paths: paths.map(stripDotSlash) }];
  }
  const subcommands = command === undefined ? undefined : INSTALL_SUBCOMMANDS.get(command);
  if (subcommands !== undefined && args.length > 0 && subcommands.has(args[0]!)) {
    syntax ??= args.find((arg) => arg.includes('$') || arg.includes('`'));
    if (syntax !== undefined) {
      const message = `the package list holds shell syntax (${JSON.stringify(syntax)}): nothing of \`${words.slice(0, 2).join(' ')}\` is installed; write package names only, one install a line`;
      return [{ kind: 'unsafe-install', message }];
    }
    const specs = args.slice(1).filter((arg) => !IGNORED_INSTALL_FLAGS.has(arg));
    return specs.length === 0 ? [] : [{ kind: 'install', specs }];
  }
  return [];
}

/** The commands of a line split at `;`, `&&`, `||`, `&`, each with the separator after it. */
function splitOnSeparators(tokens: ShellToken[]) {
  const parts: { pipeline: ShellToken[]; separator: string | undefined }[] = [];
  let pipeline: ShellToken[] = [];
  for (const token of tokens) {
    if (!token.operator || !SEPARATORS.has(token.text)) {
      pipeline.push(token);
      continue;
    }
    if (pipeline.length > 0) {
      parts.push({ pipeline, separator: token.text });
    }
    pipeline = [];
  }
  if (pipeline.length > 0) {
    parts.push({ pipeline, separator: undefined });
  }
  return parts;
}
