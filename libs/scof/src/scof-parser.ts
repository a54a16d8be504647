import { mayStartCommand } from './scof-command';
import { UNKNOWN_MARKER } from './scof-heredoc';
import {
  SCOF_LIMITS,
  type ScofEvent,
  type ScofLimits,
  type ScofParser,
  type ScofParserOptions,
} from './scof-events';
import { BINARY, FILE, NO_EVENTS, OUTSIDE, ScofBlockState, SKIP } from './scof-block-state';
import { isClosingLine, runCommandLine, type CommandContext } from './scof-lines';

export function createScofParser(options: ScofParserOptions = {}): ScofParser {
  return new StreamingScofParser(
    { ...SCOF_LIMITS, ...options.limits },
    options.binaryFiles === true,
  );
}

// Line states. START: nothing of the line seen yet. PASS: decided, content of the open block or
// thrown away. HELD: needed whole (a command, or maybe the marker), it waits in `pending`.
const LINE_START = 0;
const LINE_PASS = 1;
const LINE_HELD = 2;

// A command line over maxLineLength, thrown away as it streams: NONE (not in one), OVERLONG, or
// OVERLONG_HEREDOC once a `<<` was seen in it (its content follows, with no marker to read).
const NONE = 0;
const OVERLONG = 1;
const OVERLONG_HEREDOC = 2;

/** Undelivered content of one unfinished line is emitted once it reaches this many characters. */
const LONG_LINE_FLUSH = 16_384;

/**
 * A line-based state machine built for speed: each character is handled a bounded number of
 * times whatever the chunking; `indexOf('\n')` runs over each chunk once. Inside a block, a line
 * whose first character cannot start the marker is content whatever follows: it goes straight to
 * the ContentBuffer, whole chunks or whole lines in one go (passWholeChunk, passLines). Only lines
 * that may be the marker, and lines outside blocks, are held whole in `pending`. file_chunk
 * events go out at the end of a push that completed a line. Limits are checked where the chunking
 * cannot matter (a line grows past maxLineLength; a completed line takes the block past
 * maxFileSize), so the events are the same for every cutting. The block side (opening, closing,
 * refusing blocks, the events) is in ScofBlockState.
 */
class StreamingScofParser extends ScofBlockState implements ScofParser {
  private lineState = LINE_START;
  private lineNo = 1;
  /** Characters of the current (passing) line so far, without its "\n". */
  private lineLength = 0;
  private pending = '';
  private pendingLength = 0;
  private overlong = NONE;
  /** The overlong line's last character so far was a `<` (a `<<` may be cut between pushes). */
  private overlongLt = false;
  private ended = false;
  /** Below this length a passing line needs no check (neither too long nor due a flush). */
  private readonly lineCheckAt: number;
  private readonly context: CommandContext;

  constructor(limits: ScofLimits, binaryFiles: boolean) {
    super(limits, binaryFiles);
    this.context = { limits, binaryFiles };
    this.lineCheckAt = Math.min(limits.maxLineLength + 1, LONG_LINE_FLUSH);
  }

  push(chunk: string): ScofEvent[] {
    if (this.ended) {
      throw new Error('ScofParser.push() called after end()');
    }
    this.out = NO_EVENTS;
    const length = chunk.length;
    let pos = 0;
    /** Where the next "\n" from pos is, once looked for. */
    let nl = -2;
    // The commonest push of a token stream: more of a content line, with no line end in it.
    if (this.lineState === LINE_PASS && this.mode >= FILE) {
      if (length === 1) {
        const c = chunk.charCodeAt(0);
        if (c !== 10) {
          this.content.addCode(c);
          if (++this.lineLength >= this.lineCheckAt) {
            this.checkLongLine();
          }
          return this.out;
        }
        nl = 0;
      } else {
        nl = chunk.indexOf('\n');
        if (nl === -1) {
          this.content.addString(chunk, length);
          this.lineLength += length;
          if (this.lineLength >= this.lineCheckAt) {
            this.checkLongLine();
          }
          return this.out;
        }
      }
      pos = this.passWholeChunk(chunk, length, nl);
      if (pos === length) {
        return this.out;
      }
    }
    this.content.startPush(chunk, length);
    while (pos < length) {
      if (this.lineState === LINE_START) {
        if (this.mode >= FILE) {
          pos = this.passLines(chunk, pos);
          if (pos === length) {
            break;
          }
        }
        const c = chunk.charCodeAt(pos);
        const mode = this.mode;
        const held =
          mode === OUTSIDE
            ? mayStartCommand(c)
            : mode === BINARY || c === this.markerFirst || (c === 9 && this.stripTabs);
        this.lineState = held ? LINE_HELD : LINE_PASS;
      }
      // One-character chunks are common (token streams): spare them the indexOf call.
      if (nl < pos) {
        nl = length === 1 ? (chunk === '\n' ? 0 : -1) : chunk.indexOf('\n', pos);
      }
      const stop = nl === -1 ? length : nl + 1;
      if (this.lineState === LINE_PASS) {
        this.pass(chunk, pos, nl, stop);
      } else if (nl === -1) {
        this.hold(pos === 0 ? chunk : chunk.slice(pos), length - pos);
      } else {
        const piece = pos === 0 && stop === length ? chunk : chunk.slice(pos, stop);
        // '' + piece is piece itself.
        const line = this.pending + piece;
        const lineLength = this.pendingLength + stop - pos;
        this.pending = '';
        this.pendingLength = 0;
        this.lineState = LINE_START;
        this.readLine(line, lineLength - 1, lineLength);
      }
      pos = stop;
    }
    this.content.endPush();
    if (this.content.hasNewline || this.content.undelivered() >= LONG_LINE_FLUSH) {
      this.flushRun();
    }
    return this.out;
  }

  end(): ScofEvent[] {
    if (this.ended) {
      return NO_EVENTS;
    }
    this.ended = true;
    this.out = NO_EVENTS;
    if (this.lineState === LINE_HELD) {
      const line = this.pending;
      const length = this.pendingLength;
      this.pending = '';
      this.pendingLength = 0;
      this.readLine(line, length, length);
    } else if (this.lineState === LINE_PASS) {
      if (this.overlong === OVERLONG_HEREDOC) {
        this.skipRest(this.lineNo);
      }
      this.lineNo++;
      if (this.mode >= FILE) {
        this.size += this.lineLength;
        this.checkSize(this.lineNo - 1);
      }
    }
    this.endBlock();
    return this.out;
  }

  /** A passing content line reached lineCheckAt: it may be too long, or due a flush. */
  private checkLongLine(): void {
    if (this.lineLength > this.maxLineLength) {
      this.lineTooLong(this.lineNo);
    }
    // Undelivered content is never more than the current line (a push that adds a "\n" flushes).
    else if (this.content.undelivered() >= LONG_LINE_FLUSH) {
      this.flushRun();
    }
  }

  /**
   * The next commonest push: the end of a content line (its "\n" at nl), then whole content lines
   * and maybe the start of the next. When all of the chunk is content, it is taken whole, with no
   * slicing, and emitted: returns its length. Otherwise returns where the caller goes on: the start
   * of the first line that may be the marker or breaks a limit (0 when it is the current line).
   */
  private passWholeChunk(chunk: string, length: number, nl: number): number {
    const maxLine = this.maxLineLength;
    const maxSize = this.maxFileSize;
    const lineLength = this.lineLength + nl;
    let size = this.size + lineLength + 1;
    if (lineLength > maxLine || size > maxSize) {
      return 0;
    }
    const markerFirst = this.markerFirst;
    const stripTabs = this.stripTabs;
    let lines = 1;
    let p = nl + 1;
    let partial = 0;
    while (p < length) {
      const c = chunk.charCodeAt(p);
      if (c === markerFirst || (c === 9 && stripTabs)) {
        break;
      }
      const next = chunk.indexOf('\n', p);
      if (next === -1) {
        partial = length - p;
        if (partial > maxLine) {
          partial = 0;
        } else {
          p = length;
        }
        break;
      }
      if (next - p > maxLine || size + next + 1 - p > maxSize) {
        break;
      }
      size += next + 1 - p;
      lines++;
      p = next + 1;
    }
    this.size = size;
    this.lineNo += lines;
    this.lineLength = partial;
    this.lineState = partial === 0 ? LINE_START : LINE_PASS;
    if (p !== length) {
      // The lines before p are content; the caller reads on from p, a line start.
      this.content.startPush(chunk, length);
      this.content.addRange(0, p);
      this.content.hasNewline = true;
      return p;
    }
    this.content.addString(chunk, length);
    this.flushRun();
    return length;
  }

  /**
   * The fast path of content from a line start: whole lines that cannot be the marker and break no
   * limit, taken in one go (a first-character test and an indexOf a line), then the start of the
   * next one. Returns where it stopped: the chunk's end, or a line that may be the marker or is
   * over a limit, which the caller reads on its own.
   */
  private passLines(chunk: string, pos: number): number {
    const length = chunk.length;
    const markerFirst = this.markerFirst;
    const stripTabs = this.stripTabs;
    const maxLine = this.maxLineLength;
    const room = this.maxFileSize - this.size;
    let p = pos;
    let lines = 0;
    while (p < length) {
      const c = chunk.charCodeAt(p);
      if (c === markerFirst || (c === 9 && stripTabs)) {
        break;
      }
      const nl = chunk.indexOf('\n', p);
      if (nl === -1) {
        // The start of a content line goes too, unless it is already too long.
        if (length - p > maxLine) {
          break;
        }
        this.lineLength = length - p;
        this.lineState = LINE_PASS;
        this.content.addRange(pos, length);
        this.size += p - pos;
        this.lineNo += lines;
        if (lines > 0) {
          this.content.hasNewline = true;
        }
        return length;
      }
      if (nl - p > maxLine || nl + 1 - pos > room) {
        break;
      }
      lines++;
      p = nl + 1;
    }
    if (p === pos) {
      return pos;
    }
    this.content.hasNewline = true;
    this.size += p - pos;
    this.lineNo += lines;
    this.content.addRange(pos, p);
    return p;
  }

  /** A piece of a decided line: chunk[pos, stop), nl its "\n" or -1. */
  private pass(chunk: string, pos: number, nl: number, stop: number): void {
    if (this.overlong !== NONE) {
      this.scanOverlong(chunk, pos, nl === -1 ? stop : nl, nl !== -1);
    }
    if (this.mode >= FILE) {
      this.lineLength += (nl === -1 ? stop : nl) - pos;
      this.content.addRange(pos, stop);
      if (this.lineLength > this.maxLineLength) {
        this.lineTooLong(this.lineNo);
      } else if (nl !== -1) {
        this.size += this.lineLength + 1;
        this.checkSize(this.lineNo);
      }
    }
    if (nl !== -1) {
      this.lineNo++;
      this.lineLength = 0;
      this.lineState = LINE_START;
      this.content.hasNewline = true;
    }
  }

  private hold(piece: string, length: number): void {
    this.pending = this.pending + piece;
    this.pendingLength += length;
    if (this.pendingLength > this.maxLineLength) {
      if (this.mode === OUTSIDE) {
        this.overlong = this.pending.includes('<<') ? OVERLONG_HEREDOC : OVERLONG;
        this.overlongLt = this.pending.charCodeAt(this.pendingLength - 1) === 60;
      }
      this.pending = '';
      this.pendingLength = 0;
      this.lineState = LINE_PASS; // the rest of the line is thrown away
      this.lineTooLong(this.lineNo);
    }
  }

  /** A whole held line; end is where its content stops (before the "\n" if it has one). */
  private readLine(line: string, end: number, length: number): void {
    const lineNo = this.lineNo++;
    if (end > this.maxLineLength) {
      this.lineTooLong(lineNo);
      if (this.mode === OUTSIDE && line.includes('<<')) {
        this.skipRest(lineNo);
      }
      return;
    }
    const mode = this.mode;
    if (mode === OUTSIDE) {
      const request = runCommandLine(line, end, lineNo, this, this.files, this.context);
      if (request !== undefined) {
        this.openBlock(request, lineNo);
      }
    } else if (isClosingLine(line, end, this.marker, this.stripTabs)) {
      this.closeBlock(lineNo);
    } else if (mode === BINARY) {
      this.readBase64Line(line, end, lineNo);
    } else if (mode !== SKIP) {
      this.content.addString(line, length);
      this.content.hasNewline = true;
      this.size += length;
      this.checkSize(lineNo);
    }
  }

  /** A piece [pos, end) of an overlong command line; lineEnds: its "\n" follows. */
  private scanOverlong(chunk: string, pos: number, end: number, lineEnds: boolean): void {
    if (this.overlong === OVERLONG && pos < end) {
      const at = chunk.indexOf('<<', pos);
      if ((this.overlongLt && chunk.charCodeAt(pos) === 60) || (at !== -1 && at + 1 < end)) {
        this.overlong = OVERLONG_HEREDOC;
      }
      this.overlongLt = chunk.charCodeAt(end - 1) === 60;
    }
    if (!lineEnds) {
      return;
    }
    if (this.overlong === OVERLONG_HEREDOC) {
      this.skipRest(this.lineNo);
    }
    this.overlong = NONE;
    this.overlongLt = false;
  }

  /**
   * A command line over maxLineLength that holds a `<<`: the heredoc it may open has a content
   * that follows and a marker that was thrown away, so the rest of the answer is skipped.
   */
  private skipRest(lineNo: number): void {
    this.overlong = NONE;
    const message = `line ${lineNo} may open a heredoc (<<) whose marker cannot be read, as the line is longer than maxLineLength; the rest of the answer is skipped`;
    this.error('MALFORMED_COMMAND', message, lineNo);
    this.openBlock({ kind: 'skip', heredoc: UNKNOWN_MARKER }, lineNo);
  }
}
