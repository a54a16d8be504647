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
 */
export class ContentBuffer {
  /** A line end was added since the last take(): the push should emit. */
  hasNewline = false;
  private parts: string[] = [];
  private head = '';
  /** How many pieces head was concatenated from (how deep a rope it is). */
  private headPieces = 0;
  private readonly codes = new Uint16Array(CODE_BUFFER_SIZE);
  private codeCount = 0;
  private chunk = '';
  private start = -1;
  private end = 0;

  /** The chunk that the ranges added until endPush() are taken from. */
  startPush(chunk: string): void {
    this.chunk = chunk;
  }

  addRange(start: number, end: number): void {
    if (this.start !== -1 && this.end === start) {
      this.end = end;
    } else {
      if (this.start !== -1) this.endPush();
      this.start = start;
      this.end = end;
    }
  }

  addCode(code: number): void {
    if (this.codeCount === CODE_BUFFER_SIZE) this.takeCodes();
    this.codes[this.codeCount++] = code;
  }

  /** Adds a string after everything else, the current range included. */
  addString(piece: string): void {
    if (this.start !== -1) this.endPush();
    this.addHead(piece);
  }

  private addHead(piece: string): void {
    if (this.codeCount !== 0) this.takeCodes();
    this.head = this.head.length === 0 ? piece : this.head + piece;
    this.headPieces++;
  }

  /** Moves the range of the current chunk into head. */
  endPush(): void {
    if (this.start === -1) return;
    const chunk = this.chunk;
    const whole = this.start === 0 && this.end === chunk.length;
    const piece = whole ? chunk : chunk.slice(this.start, this.end);
    this.start = -1;
    this.addHead(piece);
  }

  /** Characters not yet taken, after endPush(). */
  undelivered(): number {
    return this.head.length + this.codeCount;
  }

  /** The undelivered content as one string ('' when there is none), now counted as delivered. */
  take(): string {
    this.endPush();
    if (this.codeCount !== 0) this.takeCodes();
    this.hasNewline = false;
    const piece = this.head;
    if (piece.length === 0) return piece;
    this.head = '';
    // A rope of many pieces (a stream fed a character at a time) is flattened now, one copy: kept
    // until the block closes, such ropes would cost many times their size and slow every garbage
    // collection. A few pieces are left for join() to copy once.
    if (this.headPieces > ROPE_FLATTEN_PIECES) piece.charCodeAt(0);
    this.headPieces = 0;
    this.parts.push(piece);
    return piece;
  }

  /** Everything taken since the last reset(). */
  taken(): string {
    return this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
  }

  reset(): void {
    this.parts = [];
  }

  private takeCodes(): void {
    const codes = this.codes.subarray(0, this.codeCount) as unknown as number[];
    this.codeCount = 0;
    const text = String.fromCharCode.apply(null, codes);
    this.head = this.head.length === 0 ? text : this.head + text;
    this.headPieces++;
  }
}
