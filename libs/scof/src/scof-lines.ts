import { checkProjectPath } from '@forge/protocol';
import { readCommandLine, type Heredoc, type ScofCommand } from './scof-command';
import { type ScofErrorCode, type ScofEvent, type ScofLimits } from './scof-events';
import { readInstall } from './scof-validation';

/** A block the parser must open after a command line: read as a file or patch, or skipped. */
export interface BlockRequest {
  kind: 'write' | 'patch' | 'skip';
  /** Checked path; absent for skipped blocks and for patches that take it from the diff. */
  path?: string | undefined;
  heredoc: Heredoc;
}

/**
 * Runs one whole line found outside blocks, line[0, end) (end before its "\n"): pushes the events
 * of its commands to out and returns the block it opens, if any. `files` is how many blocks the
 * answer has opened so far, for the maxFilesPerAnswer limit.
 */
export function runCommandLine(
  line: string,
  end: number,
  lineNo: number,
  out: ScofEvent[],
  files: number,
  limits: ScofLimits,
): BlockRequest | undefined {
  let start = 0;
  let c = 0;
  // Leading blanks, and a byte order mark some tools put at the start of a stream.
  while (start < end && ((c = line.charCodeAt(start)) === 32 || c === 9 || c === 0xfeff)) start++;
  while (end > start && ((c = line.charCodeAt(end - 1)) === 32 || c === 9 || c === 13)) end--;
  // Commands start with a letter (or a `$ ` prompt): this skips blank lines, `#` comments,
  // markdown fences and bullets at the cost of one comparison.
  c = line.charCodeAt(start) | 32;
  if (start === end || ((c < 97 || c > 122) && c !== 36)) return undefined;
  let block: BlockRequest | undefined;
  for (const command of readCommandLine(line.slice(start, end))) {
    const request = runCommand(command, lineNo, out, files, limits);
    if (request !== undefined) block = request;
  }
  return block;
}

function runCommand(
  command: ScofCommand,
  lineNo: number,
  out: ScofEvent[],
  files: number,
  limits: ScofLimits,
): BlockRequest | undefined {
  switch (command.kind) {
    case 'malformed':
      out.push(
        lineError('MALFORMED_COMMAND', `the command cannot be read: ${command.message}`, lineNo),
      );
      return undefined;
    case 'delete':
      for (const path of command.paths) {
        if (pathAccepted(path, lineNo, out)) out.push({ type: 'delete', path });
      }
      return undefined;
    case 'install': {
      const { packages, problems } = readInstall(command.specs);
      for (const { code, message } of problems) out.push(lineError(code, message, lineNo));
      if (packages.length > 0) out.push({ type: 'install', packages });
      return undefined;
    }
    case 'skip':
      out.push(
        lineError('UNSUPPORTED_COMMAND', `${command.message}; the block is skipped`, lineNo),
      );
      return command;
    case 'write':
    case 'patch':
      if (files >= limits.maxFilesPerAnswer) {
        const message = `the answer has more blocks than the limit (maxFilesPerAnswer) of ${limits.maxFilesPerAnswer}; the block is skipped`;
        out.push(lineError('TOO_MANY_FILES', message, lineNo));
        return { kind: 'skip', heredoc: command.heredoc };
      }
      if (command.path !== undefined && !pathAccepted(command.path, lineNo, out)) {
        return { kind: 'skip', heredoc: command.heredoc };
      }
      return command;
  }
}

function pathAccepted(path: string, lineNo: number, out: ScofEvent[]): boolean {
  const problem = checkProjectPath(path);
  if (problem === null) return true;
  const message = `${JSON.stringify(path)} is refused (${problem.code}): ${problem.message}`;
  out.push(lineError('INVALID_PATH', message, lineNo));
  return false;
}

function lineError(code: ScofErrorCode, message: string, line: number): ScofEvent {
  return { type: 'error', code, message, line };
}

/** The marker exactly, then only spaces, tabs or "\r" (after leading tabs, for `<<-`). */
export function isClosingLine(line: string, end: number, marker: string, stripTabs: boolean) {
  let start = 0;
  if (stripTabs) while (start < end && line.charCodeAt(start) === 9) start++;
  if (end - start < marker.length || !line.startsWith(marker, start)) return false;
  for (let i = start + marker.length; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}
