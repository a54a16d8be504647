/** One-character pushes gathered as char codes before they are made a string. */
const CODE_BUFFER_SIZE = 4096;
/** Undelivered content concatenated from more pieces than this is flattened when taken. */
const ROPE_FLATTEN_PIECES = 8;

/**
 * The content of the open block: what was already emitted (kept for the block's whole content)
 * and what was not yet. Undelivered content is, in order, `head` (a string), then `codes` (char
 * codes of one-character pushes, so that a token stream costs no string a character), then a
 * range of the chunk being pushed (sliced once, at the end of the push, and not at all when it is
 * the whole chunk).
 *
 * Lengths are kept as numbers rather than read from the strings: the strings come in many V8
 * representations (flat, rope, slice; one or two bytes a character), and a `.length` that has
 * seen them all is a slow generic property load.
 */
export class ContentBuffer {
  /** A line end was added since the last take(): the push should emit. */
  hasNewline = false;
  /** Everything taken since reset(): a rope of the runs take() returned, flattened when read. */
  private all = '';
  private head = '';
  private headLength = 0;
  /** How many pieces head was concatenated from (how deep a rope it is). */
  private headPieces = 0;
  /** A plain array: String.fromCharCode.apply reads it faster than a typed array. */
  private readonly codes: number[] = new Array<number>(CODE_BUFFER_SIZE).fill(0);
  private codeCount = 0;
  private chunk = '';
  private chunkLength = 0;
  private start = -1;
  private end = 0;

  /** The chunk that the ranges added until endPush() are taken from. */
  startPush(chunk: string, length: number): void {
    this.chunk = chunk;
    this.chunkLength = length;
  }

  addRange(start: number, end: number): void {
    if (this.start !== -1 && this.end === start) {
      this.end = end;
    } else {
      if (this.start !== -1) {
        this.endPush();
      }
      this.start = start;
      this.end = end;
    }
  }

  addCode(code: number): void {
    if (this.codeCount === CODE_BUFFER_SIZE) {
      this.takeCodes();
    }
    this.codes[this.codeCount++] = code;
  }

  /** Adds a string of this length after everything else, the current range included. */
  addString(piece: string, length: number): void {
    if (this.start !== -1) {
      this.endPush();
    }
    this.addHead(piece, length);
  }

  private addHead(piece: string, length: number): void {
    if (this.codeCount !== 0) {
      this.takeCodes();
    }
    this.head = this.headLength === 0 ? piece : this.head + piece;
    this.headLength += length;
    this.headPieces++;
  }

  /** Moves the range of the current chunk into head. */
  endPush(): void {
    if (this.start === -1) {
      return;
    }
    const chunk = this.chunk;
    const start = this.start;
    const end = this.end;
    this.start = -1;
    const whole = start === 0 && end === this.chunkLength;
    this.addHead(whole ? chunk : chunk.slice(start, end), end - start);
  }

  /** Characters not yet taken, after endPush(). */
  undelivered(): number {
    return this.headLength + this.codeCount;
  }

  /** The undelivered content as one string ('' when there is none), now counted as delivered. */
  take(): string {
    this.endPush();
    if (this.codeCount !== 0) {
      this.takeCodes();
    }
    this.hasNewline = false;
    if (this.headLength === 0) {
      return '';
    }
    const piece = this.head;
    this.head = '';
    this.headLength = 0;
    // A run of many pieces (a stream of short tokens) is flattened now, one copy: kept until the
    // block closes, such ropes would cost many times their size and slow every garbage
    // collection. A few pieces are left for the final flattening to copy once.
    if (this.headPieces > ROPE_FLATTEN_PIECES) {
      piece.charCodeAt(0);
    }
    this.headPieces = 0;
    // '' + piece is piece itself.
    this.all = this.all + piece;
    return piece;
  }

  /** Everything taken since the last reset() (all of the content: call it after take()). */
  taken(): string {
    const all = this.all;
    // Flattened now (charCodeAt flattens a rope): one copy, as a join would make.
    all.charCodeAt(0);
    return all;
  }

  reset(): void {
    this.all = '';
  }

  private takeCodes(): void {
    const count = this.codeCount;
    this.codeCount = 0;
    const text = String.fromCharCode.apply(null, this.codes.slice(0, count));
    this.head = this.head + text;
    this.headLength += count;
    this.headPieces++;
  }
}
