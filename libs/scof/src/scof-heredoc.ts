import { type ScofCommand } from './scof-command';
import { stripDotSlash } from './scof-validation';
import { type ShellToken } from './shell-words';

/** The `<< MARKER` part of a block command. */
export interface Heredoc {
  marker: string;
  /** `<<-`: the closing marker may be indented with tabs (the content is still kept as is). */
  stripTabs: boolean;
}

/**
 * The heredoc of a line that opens one but whose marker cannot be read (`cat > a.ts <<`, or two
 * quoted markers that disagree): its content has no known end, so the rest of the answer is
 * skipped rather than read as commands. No line closes it (isClosingLine).
 */
export const UNKNOWN_MARKER: Heredoc = Object.freeze({ marker: '', stripTabs: false });

/** `base64 -d`, `--decode`, and macOS's `-D`. */
const DECODE_FLAGS = new Set(['-d', '--decode', '-D']);

/**
 * The block a command with a heredoc opens (its tokens without the `<< MARKER`): a file
 * (`cat > path`), a binary file (`base64 -d > path`), a patch (`cat | patch path`, `git apply`),
 * or a skip for any other.
 */
export function readHeredocCommand(tokens: ShellToken[], heredoc: Heredoc): ScofCommand {
  const stages = splitOn(tokens, (t) => t.operator && t.text === '|');
  const words = stages.map((stage) => stage.filter((t) => !t.operator).map((t) => t.text));
  const name = (stage: number) => words[stage]?.[0]?.toLowerCase();
  if (stages.length === 1 && name(0) === 'cat') {
    const redirect = redirection(stages[0]!);
    if (redirect?.operator === '>' && words[0]!.length === 2) {
      return { kind: 'write', path: stripDotSlash(redirect.target), heredoc };
    }
    if (redirect?.operator === '>>') {
      return { kind: 'skip', heredoc, message: 'appending (cat >>) is not supported' };
    }
  }
  if (stages.length === 1 && name(0) === 'base64') {
    const redirect = redirection(stages[0]!);
    const flags = words[0]!.slice(1);
    if (redirect?.operator === '>') {
      flags.splice(flags.indexOf(redirect.target), 1);
    }
    if (redirect?.operator === '>' && flags.length === 1 && DECODE_FLAGS.has(flags[0]!)) {
      return { kind: 'binary', path: stripDotSlash(redirect.target), heredoc };
    }
    return { kind: 'skip', heredoc, message: 'only `base64 -d > path << MARKER` is read' };
  }
  // `patch PATH << M`, `cat << M | patch PATH`, `cat << M | git apply` (path from the diff).
  const patchStage = stages.length === 2 && name(0) === 'cat' && words[0]!.length === 1 ? 1 : 0;
  if (stages.length === patchStage + 1 && redirection(stages[patchStage]!) === undefined) {
    const args = words[patchStage]!.slice(1).filter((arg) => !arg.startsWith('-'));
    if (name(patchStage) === 'patch' && args.length <= 1) {
      const path = args[0] === undefined ? undefined : stripDotSlash(args[0]);
      return { kind: 'patch', path, heredoc };
    }
    if (name(patchStage) === 'git' && args.length === 1 && args[0] === 'apply') {
      return { kind: 'patch', path: undefined, heredoc };
    }
  }
  return {
    kind: 'skip',
    heredoc,
    message:
      'only `cat > path << MARKER` (a file), `base64 -d > path << MARKER` (a binary file) and `cat << MARKER | patch path` (a diff) are read',
  };
}

/**
 * The heredoc a line that cannot be split into words (an unclosed quote) still opens, read from
 * its text: each `<<` or `<<-` (not `<<<`) and the word after it, quotes and backslashes removed.
 * One marker for all of them: that heredoc. None readable, or several that differ:
 * UNKNOWN_MARKER. No `<<` at all: undefined (the line opens nothing).
 */
export function findHeredoc(line: string): Heredoc | undefined {
  let found: Heredoc | undefined;
  for (let at = line.indexOf('<<'); at !== -1; at = line.indexOf('<<', at)) {
    let i = at + 2;
    if (line[i] === '<') {
      while (line[i] === '<') {
        i++;
      }
      at = i;
      continue;
    }
    const stripTabs = line[i] === '-';
    if (stripTabs) {
      i++;
    }
    while (line[i] === ' ' || line[i] === '\t') {
      i++;
    }
    let marker = '';
    for (; i < line.length && !' \t<>|&;'.includes(line[i]!); i++) {
      if (!`'"\\`.includes(line[i]!)) {
        marker += line[i];
      }
    }
    at = i;
    if (marker === '') {
      return UNKNOWN_MARKER;
    }
    if (found !== undefined && (found.marker !== marker || found.stripTabs !== stripTabs)) {
      return UNKNOWN_MARKER;
    }
    found = { marker, stripTabs };
  }
  return found;
}

function redirection(tokens: ShellToken[]): { operator: string; target: string } | undefined {
  const at = tokens.findIndex((t) => t.operator && (t.text === '>' || t.text === '>>'));
  const target = tokens[at + 1];
  if (at === -1 || target === undefined || target.operator) {
    return undefined;
  }
  return { operator: tokens[at]!.text, target: target.text };
}

function splitOn(tokens: ShellToken[], isSeparator: (t: ShellToken) => boolean): ShellToken[][] {
  const parts: ShellToken[][] = [[]];
  for (const token of tokens) {
    if (isSeparator(token)) {
      parts.push([]);
    } else {
      parts[parts.length - 1]!.push(token);
    }
  }
  return parts.filter((part) => part.length > 0);
}
