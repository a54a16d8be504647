import { ContentBuffer } from './content-buffer';
import { type ScofErrorCode, type ScofEvent, type ScofLimits } from './scof-events';
import { type BlockRequest, type ScofEventSink } from './scof-lines';
import { patchTarget } from './scof-validation';

// Modes. FILE and PATCH, the blocks whose content is kept, are the ones >= FILE.
export const OUTSIDE = 0;
/** Inside a refused block: wait for its marker, keep nothing. */
export const SKIP = 1;
export const FILE = 2;
export const PATCH = 3;

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
  // Read on every line, so kept at hand rather than in limits.
  protected readonly maxLineLength: number;
  protected readonly maxFileSize: number;

  constructor(protected readonly limits: ScofLimits) {
    this.maxLineLength = limits.maxLineLength;
    this.maxFileSize = limits.maxFileSize;
  }

  emit(event: ScofEvent): void {
    if (this.out === NO_EVENTS) this.out = [event];
    else this.out.push(event);
  }

  /** After a completed line of the block (on lineNo): refuses the block once it is too large. */
  protected checkSize(lineNo: number): void {
    const limit = this.maxFileSize;
    if (this.size <= limit) return;
    const what = this.mode === FILE ? 'the file' : 'the diff';
    const message = `${what} is larger than the limit (maxFileSize) of ${limit} characters`;
    this.refuseBlock('FILE_TOO_LARGE', `${message}; the block is refused`, lineNo);
  }

  protected lineTooLong(lineNo: number): void {
    const message = `line ${lineNo} is longer than the limit (maxLineLength) of ${this.maxLineLength} characters`;
    if (this.mode === OUTSIDE) this.error('LINE_TOO_LONG', `${message}; it is ignored`, lineNo);
    else if (this.mode !== SKIP)
      this.refuseBlock('LINE_TOO_LONG', `${message}; the block is refused`, lineNo);
  }

  /** Opens the block a command line (on line blockLine) asked for. */
  protected openBlock(request: BlockRequest, blockLine: number): void {
    const heredoc = request.heredoc;
    if (request.kind !== 'skip') this.files++;
    this.mode = request.kind === 'write' ? FILE : request.kind === 'patch' ? PATCH : SKIP;
    this.path = request.path;
    this.marker = heredoc.marker;
    this.markerFirst = heredoc.marker.charCodeAt(0);
    this.stripTabs = heredoc.stripTabs;
    this.blockLine = blockLine;
    this.size = 0;
    this.content.reset();
    if (request.kind === 'write') this.emit({ type: 'file_start', path: request.path! });
  }

  /** The marker line of the open block. */
  protected closeBlock(): void {
    const mode = this.mode;
    if (mode === SKIP) return this.leaveBlock();
    this.flushRun();
    const content = this.content.taken();
    this.leaveBlock();
    if (mode === FILE) {
      this.emit({ type: 'file_end', path: this.path!, content });
      return;
    }
    const target = patchTarget(this.path, content);
    if (typeof target === 'string') this.emit({ type: 'patch', path: target, diff: content });
    else this.error('INVALID_PATH', `the patch is refused: ${target.reason}`, this.blockLine);
  }

  /** The stream ended: a block still open is reported, never saved as complete. */
  protected endBlock(): void {
    this.flushRun();
    if (this.mode === FILE) {
      this.emit({ type: 'truncated', path: this.path! });
    } else if (this.mode === PATCH) {
      const target = patchTarget(this.path, this.content.taken());
      if (typeof target === 'string') this.emit({ type: 'truncated', path: target });
      else this.error('TRUNCATED', `the stream ended in a patch: ${target.reason}`, this.blockLine);
    }
  }

  protected refuseBlock(code: ScofErrorCode, message: string, lineNo: number): void {
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
