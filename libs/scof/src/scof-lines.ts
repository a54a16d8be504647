import { checkProjectPath } from '@forge/protocol';
import { charCode } from './char-code';
import { readCommandRange, type ScofCommand } from './scof-command';
import { UNKNOWN_MARKER, type Heredoc } from './scof-heredoc';
import { type ScofErrorCode, type ScofEvent, type ScofLimits } from './scof-events';
import { readInstall } from './scof-validation';

/**
 * A block the parser must open after a command line: read as a file, a binary file or a patch,
 * or skipped.
 */
export interface BlockRequest {
  kind: 'write' | 'binary' | 'patch' | 'skip';
  /** Checked path; absent for skipped blocks and for patches that take it from the diff. */
  path?: string | undefined;
  heredoc: Heredoc;
  /** Heredocs of the same line after this one: their contents follow, each skipped. */
  then?: Heredoc[];
}

/** What command lines need of the parser's options. */
export interface CommandContext {
  limits: ScofLimits;
  binaryFiles: boolean;
}

/** Where the events of a command line go (the parser, which makes its event array on demand). */
export interface ScofEventSink {
  emit(event: ScofEvent): void;
}

/**
 * Runs one whole line found outside blocks, line[0, end) (end before its "\n"): emits the events
 * of its commands to out and returns the block it opens, if any. `files` is how many blocks the
 * answer has opened so far, for the maxFilesPerAnswer limit. A line with several heredocs (one
 * read, the others refused) opens the first; the contents of the others follow it, skipped.
 */
export function runCommandLine(
  line: string,
  end: number,
  lineNo: number,
  out: ScofEventSink,
  files: number,
  context: CommandContext,
): BlockRequest | undefined {
  let start = 0;
  let c = 0;
  // Leading blanks, and a byte order mark some tools put at the start of a stream.
  while (start < end && ((c = charCode(line, start)) === 32 || c === 9 || c === 0xfeff)) {
    start++;
  }
  while (end > start && ((c = charCode(line, end - 1)) === 32 || c === 9 || c === 13)) {
    end--;
  }
  // Commands start with a letter (or a `$ ` prompt): this skips blank lines, `#` comments,
  // markdown fences and bullets at the cost of one comparison.
  c = charCode(line, start) | 32;
  if (start === end || ((c < 97 || c > 122) && c !== 36)) {
    return undefined;
  }
  let block: BlockRequest | undefined;
  const commands = readCommandRange(line, start, end);
  for (let i = 0; i < commands.length; i++) {
    const request = runCommand(commands[i]!, lineNo, out, files, context);
    if (request === undefined) {
      continue;
    }
    if (block === undefined) {
      block = request;
    } else {
      block = { ...block, then: [...(block.then ?? []), request.heredoc] };
    }
  }
  return block;
}

function runCommand(
  command: ScofCommand,
  lineNo: number,
  out: ScofEventSink,
  files: number,
  { limits, binaryFiles }: CommandContext,
): BlockRequest | undefined {
  switch (command.kind) {
    case 'malformed': {
      const { heredoc } = command;
      const skipped =
        heredoc === undefined
          ? ''
          : heredoc === UNKNOWN_MARKER
            ? '; its heredoc has no marker that can be read, so the rest of the answer is skipped'
            : `; its heredoc is skipped up to its marker ${JSON.stringify(heredoc.marker)}`;
      const message = `the command cannot be read: ${command.message}${skipped}`;
      out.emit(lineError('MALFORMED_COMMAND', message, lineNo));
      return heredoc === undefined ? undefined : { kind: 'skip', heredoc };
    }
    case 'unsafe-install':
      out.emit(lineError('SHELL_SYNTAX', command.message, lineNo));
      return undefined;
    case 'delete':
      for (const path of command.paths) {
        if (pathAccepted(path, lineNo, out)) {
          out.emit({ type: 'delete', path });
        }
      }
      return undefined;
    case 'install': {
      const { packages, problems } = readInstall(command.specs);
      for (const { code, message } of problems) {
        out.emit(lineError(code, message, lineNo));
      }
      if (packages.length > 0) {
        out.emit({ type: 'install', packages });
      }
      return undefined;
    }
    case 'skip':
      out.emit(
        lineError('UNSUPPORTED_COMMAND', `${command.message}; the block is skipped`, lineNo),
      );
      return command;
    case 'binary':
      if (binaryFiles) {
        return checkBlock(command, lineNo, out, files, limits);
      }
      out.emit(
        lineError(
          'UNSUPPORTED_COMMAND',
          'binary files (base64 -d) are not read here; the block is skipped',
          lineNo,
        ),
      );
      return { kind: 'skip', heredoc: command.heredoc };
    case 'write':
    case 'patch':
      return checkBlock(command, lineNo, out, files, limits);
  }
}

/** A file, binary or patch block: opened, or skipped for the block limit or its path. */
function checkBlock(
  command: BlockRequest,
  lineNo: number,
  out: ScofEventSink,
  files: number,
  limits: ScofLimits,
): BlockRequest {
  if (files >= limits.maxFilesPerAnswer) {
    const message = `the answer has more blocks than the limit (maxFilesPerAnswer) of ${limits.maxFilesPerAnswer}; the block is skipped`;
    out.emit(lineError('TOO_MANY_FILES', message, lineNo));
    return { kind: 'skip', heredoc: command.heredoc };
  }
  if (command.path !== undefined && !pathAccepted(command.path, lineNo, out)) {
    return { kind: 'skip', heredoc: command.heredoc };
  }
  return command;
}

function pathAccepted(path: string, lineNo: number, out: ScofEventSink): boolean {
  const problem = checkProjectPath(path);
  if (problem === null) {
    return true;
  }
  const message = `${JSON.stringify(path)} is refused (${problem.code}): ${problem.message}`;
  out.emit(lineError('INVALID_PATH', message, lineNo));
  return false;
}

function lineError(code: ScofErrorCode, message: string, line: number): ScofEvent {
  return { type: 'error', code, message, line };
}

/** The marker exactly, then only spaces, tabs or "\r" (after leading tabs, for `<<-`). */
export function isClosingLine(line: string, end: number, marker: string, stripTabs: boolean) {
  if (marker === '') {
    return false;
  } // UNKNOWN_MARKER
  let start = 0;
  if (stripTabs) {
    while (start < end && charCode(line, start) === 9) {
      start++;
    }
  }
  if (end - start < marker.length || !line.startsWith(marker, start)) {
    return false;
  }
  for (let i = start + marker.length; i < end; i++) {
    const c = charCode(line, i);
    if (c !== 32 && c !== 9 && c !== 13) {
      return false;
    }
  }
  return true;
}
