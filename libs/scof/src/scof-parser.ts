import {
  SCOF_LIMITS,
  type ScofErrorCode,
  type ScofEvent,
  type ScofLimits,
  type ScofParser,
  type ScofParserOptions,
} from './scof-events';
import { ContentBuffer } from './content-buffer';
import { mayStartCommand } from './scof-command';
import { isClosingLine, runCommandLine, type BlockRequest } from './scof-lines';
import { patchTarget } from './scof-validation';

export function createScofParser(options: ScofParserOptions = {}): ScofParser {
  return new StreamingScofParser({ ...SCOF_LIMITS, ...options.limits });
}

const OUTSIDE = 0;
const FILE = 1;
const PATCH = 2;
/** Inside a refused block: wait for its marker, keep nothing. */
const SKIP = 3;

// Line states. START: nothing of the line seen yet. PASS: decided, content of the open block or
// thrown away. HELD: needed whole (a command, or maybe the marker), it waits in `pending`.
const LINE_START = 0;
const LINE_PASS = 1;
const LINE_HELD = 2;

/** Undelivered content of one unfinished line is emitted once it reaches this many characters. */
const LONG_LINE_FLUSH = 16_384;

/**
 * A line-based state machine built for speed: each character is handled a bounded number of
 * times whatever the chunking; `indexOf('\n')` runs over each chunk once. Inside a block, a line
 * whose first character cannot start the marker is content whatever follows: it goes straight to
 * the ContentBuffer (whole lines in one go, see passLines). Only lines that may be the marker, and
 * lines outside blocks, are held whole in `pending` (a rope: O(1) appends, one flattening).
 * file_chunk events go out at the end of a push that completed a line. Limits are checked where
 * the chunking cannot matter (a line grows past maxLineLength; a completed line takes the block
 * past maxFileSize), so the events are the same for every cutting.
 */
class StreamingScofParser implements ScofParser {
  private out: ScofEvent[] = [];
  private mode = OUTSIDE;
  private lineState = LINE_START;
  private lineNo = 1;
  /** Characters of the current (passing) line so far, without its "\n". */
  private lineLength = 0;
  private pending = '';
  private ended = false;
  private files = 0;
  // The open block.
  private marker = '';
  private markerFirst = -1;
  private stripTabs = false;
  private path: string | undefined = undefined;
  private blockLine = 0;
  private size = 0;
  private readonly content = new ContentBuffer();
  /** Read at every push, so kept at hand. */
  private readonly maxLineLength: number;

  constructor(private readonly limits: ScofLimits) {
    this.maxLineLength = limits.maxLineLength;
  }

  push(chunk: string): ScofEvent[] {
    if (this.ended) throw new Error('ScofParser.push() called after end()');
    const out: ScofEvent[] = (this.out = []);
    const length = chunk.length;
    // The commonest push of a token stream: more of a content line, with no line end in it.
    if (this.lineState === LINE_PASS && (this.mode === FILE || this.mode === PATCH)) {
      if (length === 1 ? chunk !== '\n' : chunk.indexOf('\n') === -1) {
        this.size += length;
        this.lineLength += length;
        if (length === 1) this.content.addCode(chunk.charCodeAt(0));
        else this.content.addString(chunk);
        if (this.lineLength > this.maxLineLength) this.lineTooLong(this.lineNo);
        else if (this.content.undelivered() >= LONG_LINE_FLUSH) this.flushRun();
        return out;
      }
    }
    this.content.startPush(chunk);
    let pos = 0;
    while (pos < length) {
      if (this.lineState === LINE_START && (this.mode === FILE || this.mode === PATCH)) {
        const next = this.passLines(chunk, pos);
        if (next !== pos) {
          pos = next;
          continue;
        }
      }
      if (this.lineState === LINE_START) {
        const c = chunk.charCodeAt(pos);
        const held =
          this.mode === OUTSIDE
            ? mayStartCommand(c)
            : c === this.markerFirst || (c === 9 && this.stripTabs);
        this.lineState = held ? LINE_HELD : LINE_PASS;
      }
      // One-character chunks are common (token streams): spare them the indexOf call.
      const nl = length === 1 ? (chunk === '\n' ? 0 : -1) : chunk.indexOf('\n', pos);
      const stop = nl === -1 ? length : nl + 1;
      if (this.lineState === LINE_PASS) {
        this.pass(chunk, pos, nl, stop);
      } else if (nl === -1) {
        this.hold(pos === 0 ? chunk : chunk.slice(pos));
      } else {
        const piece = pos === 0 && stop === length ? chunk : chunk.slice(pos, stop);
        const line = this.pending.length === 0 ? piece : this.pending + piece;
        this.pending = '';
        this.lineState = LINE_START;
        this.readLine(line, line.length - 1);
      }
      pos = stop;
    }
    this.content.endPush();
    if (this.content.hasNewline || this.content.undelivered() >= LONG_LINE_FLUSH) this.flushRun();
    return out;
  }

  end(): ScofEvent[] {
    if (this.ended) return [];
    this.ended = true;
    this.out = [];
    if (this.lineState === LINE_HELD) {
      const line = this.pending;
      this.pending = '';
      this.readLine(line, line.length);
    } else if (this.lineState === LINE_PASS) {
      this.lineNo++;
      if (this.mode === FILE || this.mode === PATCH) this.checkSize(this.lineNo - 1);
    }
    this.flushRun();
    if (this.mode === FILE) {
      this.out.push({ type: 'truncated', path: this.path! });
    } else if (this.mode === PATCH) {
      const target = patchTarget(this.path, this.content.taken());
      if (typeof target === 'string') this.out.push({ type: 'truncated', path: target });
      else this.error('TRUNCATED', `the stream ended in a patch: ${target.reason}`, this.blockLine);
    }
    return this.out;
  }

  /**
   * The fast path of content: whole lines from pos that cannot be the marker and break no limit,
   * taken in one go (a first-character test and an indexOf a line). Returns where it stopped: at
   * a line that may be the marker, a partial line, or one over a limit, which the caller reads
   * line by line.
   */
  private passLines(chunk: string, pos: number): number {
    const length = chunk.length;
    const markerFirst = this.markerFirst;
    const stripTabs = this.stripTabs;
    const maxLine = this.maxLineLength;
    const room = this.limits.maxFileSize - this.size;
    let p = pos;
    let lines = 0;
    let partial = false;
    while (p < length) {
      const c = chunk.charCodeAt(p);
      if (c === markerFirst || (c === 9 && stripTabs)) break;
      const nl = chunk.indexOf('\n', p);
      if (nl === -1) {
        // The start of a content line goes too, unless it is already too long.
        partial = length - p <= maxLine;
        if (partial) {
          this.lineLength = length - p;
          p = length;
        }
        break;
      }
      if (nl - p > maxLine || nl + 1 - pos > room) break;
      lines++;
      p = nl + 1;
    }
    if (p === pos) return pos;
    if (lines > 0) this.content.hasNewline = true;
    this.size += p - pos;
    this.lineNo += lines;
    this.content.addRange(pos, p);
    if (partial) this.lineState = LINE_PASS;
    return p;
  }

  /** A piece of a decided line: chunk[pos, stop), nl its "\n" or -1. */
  private pass(chunk: string, pos: number, nl: number, stop: number): void {
    if (this.mode === FILE || this.mode === PATCH) {
      this.lineLength += (nl === -1 ? stop : nl) - pos;
      this.size += stop - pos;
      this.content.addRange(pos, stop);
      if (this.lineLength > this.maxLineLength) this.lineTooLong(this.lineNo);
      else if (nl !== -1) this.checkSize(this.lineNo);
    }
    if (nl !== -1) {
      this.lineNo++;
      this.lineLength = 0;
      this.lineState = LINE_START;
      this.content.hasNewline = true;
    }
  }

  private hold(piece: string): void {
    this.pending = this.pending.length === 0 ? piece : this.pending + piece;
    if (this.pending.length > this.maxLineLength) {
      this.pending = '';
      this.lineState = LINE_PASS; // the rest of the line is thrown away
      this.lineTooLong(this.lineNo);
    }
  }

  /** A whole held line; end is where its content stops (before the "\n" if it has one). */
  private readLine(line: string, end: number): void {
    const lineNo = this.lineNo++;
    if (end > this.maxLineLength) return this.lineTooLong(lineNo);
    const mode = this.mode;
    if (mode === OUTSIDE) {
      const request = runCommandLine(line, end, lineNo, this.out, this.files, this.limits);
      if (request !== undefined) this.openBlock(request);
    } else if (isClosingLine(line, end, this.marker, this.stripTabs)) {
      if (mode === SKIP) this.leaveBlock();
      else this.closeBlock();
    } else if (mode !== SKIP) {
      this.content.addString(line);
      this.content.hasNewline = true;
      this.size += line.length;
      this.checkSize(lineNo);
    }
  }

  private checkSize(lineNo: number): void {
    const limit = this.limits.maxFileSize;
    if (this.size <= limit) return;
    const what = this.mode === FILE ? 'the file' : 'the diff';
    const message = `${what} is larger than the limit (maxFileSize) of ${limit} characters`;
    this.refuseBlock('FILE_TOO_LARGE', `${message}; the block is refused`, lineNo);
  }

  private lineTooLong(lineNo: number): void {
    const message = `line ${lineNo} is longer than the limit (maxLineLength) of ${this.maxLineLength} characters`;
    if (this.mode === OUTSIDE) this.error('LINE_TOO_LONG', `${message}; it is ignored`, lineNo);
    else if (this.mode !== SKIP)
      this.refuseBlock('LINE_TOO_LONG', `${message}; the block is refused`, lineNo);
  }

  private openBlock(request: BlockRequest): void {
    const heredoc = request.heredoc;
    if (request.kind !== 'skip') this.files++;
    this.mode = request.kind === 'write' ? FILE : request.kind === 'patch' ? PATCH : SKIP;
    this.path = request.path;
    this.marker = heredoc.marker;
    this.markerFirst = heredoc.marker.charCodeAt(0);
    this.stripTabs = heredoc.stripTabs;
    this.blockLine = this.lineNo - 1;
    this.size = 0;
    this.content.reset();
    if (request.kind === 'write') this.out.push({ type: 'file_start', path: request.path! });
  }

  private closeBlock(): void {
    this.flushRun();
    const content = this.content.taken();
    const mode = this.mode;
    this.leaveBlock();
    if (mode === FILE) {
      this.out.push({ type: 'file_end', path: this.path!, content });
      return;
    }
    const target = patchTarget(this.path, content);
    if (typeof target === 'string') this.out.push({ type: 'patch', path: target, diff: content });
    else this.error('INVALID_PATH', `the patch is refused: ${target.reason}`, this.blockLine);
  }

  private refuseBlock(code: ScofErrorCode, message: string, lineNo: number): void {
    this.flushRun();
    this.error(code, message, lineNo, this.path);
    this.mode = SKIP;
    this.content.reset();
  }

  private leaveBlock(): void {
    this.mode = OUTSIDE;
    this.markerFirst = -1;
    this.stripTabs = false;
    this.content.reset();
  }

  /** Emits the undelivered content as one file_chunk (a patch block only keeps it). */
  private flushRun(): void {
    const piece = this.content.take();
    if (piece.length !== 0 && this.mode === FILE) {
      this.out.push({ type: 'file_chunk', path: this.path!, chunk: piece });
    }
  }

  private error(code: ScofErrorCode, message: string, line: number, path?: string): void {
    this.out.push({ type: 'error', code, message, line, ...(path === undefined ? {} : { path }) });
  }
}
