import { charCode } from './char-code';
import { ContentBuffer } from './content-buffer';
import { type Heredoc } from './scof-heredoc';
import { type ScofErrorCode, type ScofEvent, type ScofLimits } from './scof-events';
import { type BlockRequest, type ScofEventSink } from './scof-lines';
import { patchTarget } from './scof-validation';

// Modes. FILE and PATCH, the blocks whose text content is kept as it streams, are the ones >= FILE.
export const OUTSIDE = 0;
/** Inside a refused block: wait for its marker, keep nothing. */
export const SKIP = 1;
/** Inside a binary block: every line is held whole and read as base64. */
export const BINARY = 2;
export const FILE = 3;
export const PATCH = 4;

const NO_HEREDOCS: Heredoc[] = [];

/** 1 for the characters of base64 ([A-Za-z0-9+/]), by char code below 128. */
const BASE64_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
  BASE64_CHARS[c.charCodeAt(0)] = 1;
}

/**
 * What a push that completes nothing returns: one shared array, not a fresh one a push (a token
 * stream makes most pushes such). Frozen, so a caller that would change it fails loudly.
 */
export const NO_EVENTS = Object.freeze([]) as unknown as ScofEvent[];

/**
 * The block side of the parser: the open block (its mode, marker, path, size and content), the
 * limits that apply to it, and the events of the current push. StreamingScofParser extends it
 * with the reading of lines; one class at run time, split in two files to be read.
 */
export abstract class ScofBlockState implements ScofEventSink {
  /** The events of the current push; NO_EVENTS until one is emitted. */
  protected out = NO_EVENTS;
  protected mode = OUTSIDE;
  /** Blocks opened so far, for maxFilesPerAnswer. */
  protected files = 0;
  protected marker = '';
  /** The marker's first character: only lines starting with it (or a tab, for `<<-`) are held. */
  protected markerFirst = -1;
  protected stripTabs = false;
  protected path: string | undefined = undefined;
  /** The line of the block's command, for the errors reported when it ends. */
  protected blockLine = 0;
  /** Characters of the block's completed lines (the current line is counted apart). */
  protected size = 0;
  protected readonly content = new ContentBuffer();
  /** Heredocs of the open block's line whose contents come after it, to skip. */
  private queued = NO_HEREDOCS;
  /** The base64 lines of a binary block, trimmed; its characters, and its final "=" count. */
  private base64: string[] = [];
  private base64Chars = 0;
  private base64Padding = 0;
  // Read on every line, so kept at hand rather than in limits.
  protected readonly maxLineLength: number;
  protected readonly maxFileSize: number;

  constructor(
    protected readonly limits: ScofLimits,
    protected readonly binaryFiles: boolean,
  ) {
    this.maxLineLength = limits.maxLineLength;
    this.maxFileSize = limits.maxFileSize;
  }

  emit(event: ScofEvent): void {
    if (this.out === NO_EVENTS) {
      this.out = [event];
    } else {
      this.out.push(event);
    }
  }

  /** After a completed line of the block (on lineNo): refuses the block once it is too large. */
  protected checkSize(lineNo: number): void {
    const limit = this.maxFileSize;
    if (this.size <= limit) {
      return;
    }
    const what = this.mode === FILE ? 'the file' : 'the diff';
    const message = `${what} is larger than the limit (maxFileSize) of ${limit} characters`;
    this.refuseBlock('FILE_TOO_LARGE', `${message}; the block is refused`, lineNo);
  }

  protected lineTooLong(lineNo: number): void {
    const message = `line ${lineNo} is longer than the limit (maxLineLength) of ${this.maxLineLength} characters`;
    if (this.mode === OUTSIDE) {
      this.error('LINE_TOO_LONG', `${message}; it is ignored`, lineNo);
    } else if (this.mode !== SKIP) {
      this.refuseBlock('LINE_TOO_LONG', `${message}; the block is refused`, lineNo);
    }
  }

  /** Opens the block a command line (on line blockLine) asked for. */
  protected openBlock(request: BlockRequest, blockLine: number): void {
    const kind = request.kind;
    if (kind !== 'skip') {
      this.files++;
    }
    this.mode =
      kind === 'write' ? FILE : kind === 'patch' ? PATCH : kind === 'binary' ? BINARY : SKIP;
    this.path = request.path;
    this.queued = request.then ?? NO_HEREDOCS;
    this.setMarker(request.heredoc);
    this.blockLine = blockLine;
    this.size = 0;
    this.content.reset();
    if (kind === 'write') {
      this.emit({ type: 'file_start', path: request.path! });
    }
    if (kind === 'binary') {
      this.base64 = [];
      this.base64Chars = 0;
      this.base64Padding = 0;
      this.emit({ type: 'file_start', path: request.path!, encoding: 'base64' });
    }
  }

  private setMarker(heredoc: Heredoc): void {
    this.marker = heredoc.marker;
    // UNKNOWN_MARKER (''): no line is held, none closes the block.
    this.markerFirst = heredoc.marker === '' ? -1 : heredoc.marker.charCodeAt(0);
    this.stripTabs = heredoc.stripTabs;
  }

  /** The marker line (on lineNo) of the open block. */
  protected closeBlock(lineNo: number): void {
    const mode = this.mode;
    if (mode === SKIP) {
      return this.leaveBlock();
    }
    if (mode === BINARY) {
      return this.closeBinary(lineNo);
    }
    this.flushRun();
    const content = this.content.taken();
    this.leaveBlock();
    if (mode === FILE) {
      this.emit({ type: 'file_end', path: this.path!, content });
      return;
    }
    const target = patchTarget(this.path, content);
    if (typeof target === 'string') {
      this.emit({ type: 'patch', path: target, diff: content });
    } else {
      this.error('INVALID_PATH', `the patch is refused: ${target.reason}`, this.blockLine);
    }
  }

  /** The stream ended: a block still open is reported, never saved as complete. */
  protected endBlock(): void {
    this.flushRun();
    if (this.mode === FILE || this.mode === BINARY) {
      this.emit({ type: 'truncated', path: this.path! });
    } else if (this.mode === PATCH) {
      const target = patchTarget(this.path, this.content.taken());
      if (typeof target === 'string') {
        this.emit({ type: 'truncated', path: target });
      } else {
        this.error('TRUNCATED', `the stream ended in a patch: ${target.reason}`, this.blockLine);
      }
    }
  }

  protected refuseBlock(code: ScofErrorCode, message: string, lineNo: number): void {
    this.flushRun();
    this.error(code, message, lineNo, this.path);
    if (this.mode === BINARY) {
      this.base64 = [];
    }
    this.mode = SKIP;
    this.content.reset();
  }

  private leaveBlock(): void {
    this.content.reset();
    if (this.mode === BINARY) {
      this.base64 = [];
    }
    if (this.queued.length > 0) {
      // The next heredoc of the same line: its content comes now, and is skipped.
      this.mode = SKIP;
      this.setMarker(this.queued[0]!);
      this.queued = this.queued.slice(1);
      return;
    }
    this.mode = OUTSIDE;
    this.markerFirst = -1;
    this.stripTabs = false;
  }

  /**
   * A line of a binary block, line[0, end): base64 as `base64 -d` reads it (its alphabet, "="
   * padding only at the very end), blank lines and the blanks around a line aside. A line that is
   * not, or that takes the decoded size past maxBinaryFileSize, refuses the block.
   */
  protected readBase64Line(line: string, end: number, lineNo: number): void {
    let start = 0;
    let c = 0;
    while (start < end && ((c = charCode(line, start)) === 32 || c === 9)) {
      start++;
    }
    while (end > start && ((c = charCode(line, end - 1)) === 32 || c === 9 || c === 13)) {
      end--;
    }
    if (start === end) {
      return;
    }
    let i = start;
    // After the padding ("=", which may be wrapped onto lines of its own) only more of it.
    let padding = this.base64Padding;
    if (padding === 0) {
      while (i < end && (c = charCode(line, i)) < 128 && BASE64_CHARS[c] === 1) {
        i++;
      }
    }
    while (i < end && charCode(line, i) === 61 && padding < 2) {
      i++;
      padding++;
    }
    if (i < end) {
      c = charCode(line, i);
      const what =
        this.base64Padding > 0 && c < 128 && BASE64_CHARS[c] === 1
          ? 'follows the padding ("=") that ends base64'
          : `holds ${JSON.stringify(String.fromCodePoint(line.codePointAt(i)!))}, which is not base64`;
      this.refuseBlock('INVALID_BASE64', `line ${lineNo} ${what}; the block is refused`, lineNo);
      return;
    }
    this.base64.push(line.slice(start, end));
    this.base64Chars += end - start;
    this.base64Padding = padding;
    const bytes = Math.floor(((this.base64Chars - padding) * 3) / 4);
    const limit = this.limits.maxBinaryFileSize;
    if (bytes > limit) {
      const message = `the binary file is larger than the limit (maxBinaryFileSize) of ${limit} bytes; the block is refused`;
      this.refuseBlock('FILE_TOO_LARGE', message, lineNo);
    }
  }

  private closeBinary(lineNo: number): void {
    const path = this.path!;
    const chars = this.base64Chars;
    const content = this.base64.join('');
    this.leaveBlock();
    if (chars % 4 === 0) {
      this.emit({ type: 'file_end', path, content, encoding: 'base64' });
      return;
    }
    const message = `the base64 content is ${chars} characters long, not a multiple of 4 (cut short, or its "=" padding left out); the block is refused`;
    this.error('INVALID_BASE64', message, lineNo, path);
  }

  /** Emits the undelivered content as one file_chunk (a patch block only keeps it). */
  protected flushRun(): void {
    const piece = this.content.take();
    if (piece !== '' && this.mode === FILE) {
      this.emit({ type: 'file_chunk', path: this.path!, chunk: piece });
    }
  }

  protected error(code: ScofErrorCode, message: string, line: number, path?: string): void {
    this.emit({ type: 'error', code, message, line, ...(path === undefined ? {} : { path }) });
  }
}
